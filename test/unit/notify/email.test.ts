import { renderAlert, renderEmail } from "../../../src/app/alert-message.js";
import { decisionFor, RUNBOOK, STOPPED } from "./fixtures.js";

describe("the alert email", () => {
  it("says in its first eight lines what happened, how bad, what, where, who, when and what was done", () => {
    const email = renderEmail(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED);

    const top = email.split("\n").slice(0, 8);
    expect(top[0]).toMatch(/^Stopped training job \S+: its containers could reach the internet$/);
    expect(top.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      "Severity",
      "What",
      "Where",
      "Who",
      "When",
      "Done",
    ]);
    expect(top[2]).toContain("HIGH");
    expect(top[7]).toContain("Stopped: the guard stopped it (enforce mode)");
  });

  it("puts what to do before why, numbered", () => {
    const email = renderEmail(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED);

    expect(email.indexOf("WHAT TO DO")).toBeLessThan(email.indexOf("WHY (1 rule broken: network-isolation-disabled)"));
    expect(email).toMatch(/^ {2}1\. .*EnableNetworkIsolation/im);
  });

  it("links the console and, when configured, the runbook", () => {
    const email = renderEmail(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED, { runbookUrl: RUNBOOK });

    expect(email).toMatch(/^ {2}Console: {2}https:\/\/us-east-1\.console\.aws\.amazon\.com\/sagemaker\//m);
    expect(email).toContain(`  Runbook:  ${RUNBOOK}`);
  });

  it("is plain text with lines short enough to read on a phone, apart from links and ARNs", () => {
    const email = renderEmail(decisionFor("CreateTrainingJob.no-isolation.json"), STOPPED);

    expect(email).not.toMatch(/<[a-z]+[ >]/i);
    const long = email.split("\n").filter((l) => l.length > 160 && !/https:\/\/|arn:aws/.test(l));
    expect(long).toEqual([]);
  });

  it("never carries the container environment of the request (a planted fake secret)", () => {
    const m = renderAlert(decisionFor("CreateTrainingJob.with-secret-env.json"), STOPPED, { format: "chatbot" });

    expect(JSON.stringify(m)).not.toMatch(/FAKE|hunter2/);
  });
});
