import picomatch from "picomatch";

/** An ECR image URI split into its parts; `null` for anything that is not an ECR image. */
export interface EcrImage {
  account: string;
  region: string;
  repository: string;
}

// <account>.dkr.ecr[-fips].<region>.<domain>/<repository>[:tag][@digest]; the domain varies by partition.
const ECR_URI =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)\/([a-z0-9][a-z0-9._/-]*?)(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?$/;

/** @example parseEcrImage("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu") */
export function parseEcrImage(uri: string): EcrImage | null {
  const m = ECR_URI.exec(uri.trim());
  if (!m) return null;
  return { account: m[1] as string, region: m[2] as string, repository: m[3] as string };
}

/** The framework images that cannot run isolated, as the policy configures them. */
export interface FrameworkImageSpec {
  registryAccounts: readonly string[];
  repositories: readonly string[];
}

/**
 * Builds a predicate telling whether an image URI is an AWS-managed framework container that cannot
 * run with network isolation. Both the registry account (AWS-owned, never the customer's) and the
 * repository name must match: a customer's own `pytorch-training` repository is a custom image.
 *
 * @example
 * const isFramework = frameworkImageMatcher({ registryAccounts: ["763104351884"], repositories: ["pytorch-*"] });
 * isFramework("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3") // true
 */
export function frameworkImageMatcher(spec: FrameworkImageSpec): (uri: string | null) => boolean {
  const accounts = new Set(spec.registryAccounts);
  const matchRepo = spec.repositories.length > 0 ? picomatch([...spec.repositories], { dot: true }) : () => false;
  return (uri) => {
    if (!uri) return false;
    const image = parseEcrImage(uri);
    return image !== null && accounts.has(image.account) && matchRepo(image.repository);
  };
}
