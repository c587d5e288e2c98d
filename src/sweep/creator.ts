/** Tags that name who created a resource: common team conventions, then what SageMaker Studio adds itself. */
const CREATOR_TAGS = [
  "created-by",
  "CreatedBy",
  "createdBy",
  "creator",
  "Creator",
  "owner",
  "Owner",
  "sagemaker:user-profile-arn",
  "sagemaker:space-arn",
];

/** Describe members holding the role a resource runs as, the best clue left when no tag names a person. */
const ROLE_MEMBERS = ["RoleArn", "ExecutionRoleArn"];

/**
 * Who is behind a resource found without an event: a creator tag if there is one, else the execution
 * role it runs as (marked `role:`), else `null`.
 *
 * @example creatorOf({ owner: "ana@example.com" }, null) // "ana@example.com"
 */
export function creatorOf(
  tags: Record<string, string> | null,
  described: Record<string, unknown> | null,
): string | null {
  for (const key of CREATOR_TAGS) {
    const v = tags?.[key];
    if (v) return v;
  }
  if (!described) return null;
  const candidates: unknown[] = ROLE_MEMBERS.map((k) => described[k]);
  const def = described.TrainingJobDefinition as Record<string, unknown> | undefined;
  candidates.push(def?.RoleArn);
  for (const defn of (described.TrainingJobDefinitions as Record<string, unknown>[] | undefined) ?? [])
    candidates.push(defn.RoleArn);
  const role = candidates.find((c): c is string => typeof c === "string" && c.length > 0);
  return role ? `role: ${role}` : null;
}
