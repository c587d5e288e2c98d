// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins, and
// scripts/bundle-handlers.ts for the tests and the bench).
const { readFileSync } = require("node:fs");

/*
 * The EC2 client keeps every one of its ~3,400 shape schemas in one module (1.3 MB). Each is built with
 * computed keys (`{ [_xN]: ... }`), which esbuild must keep as possible side effects, so two Describe
 * commands would bring ~550 KB and ~150 ms of module load before the stop of a VPC-reliant job. This
 * plugin keeps only the declarations reachable from the operations the guard calls (src/adapters/ec2.ts;
 * test/unit/deploy/bundle-size.test.ts checks the two lists agree) and the module's own statements.
 * A command outside that list would find its schema undefined: the bundle test checks that the list is
 * exactly the adapter's operations (EC2_IAM_ACTIONS, which the IAM tests prove are the calls it makes).
 */
const EC2_OPERATIONS = ["DescribeSubnets", "DescribeRouteTables"];

/** Keeps, of a schema module, the top-level statements reachable from `roots` (and every non-declaration). */
function pruneSchemas(source, roots) {
  const statements = [];
  for (const line of source.split("\n")) {
    // A statement starts at column 0; its closing bracket (also at column 0) and indented lines continue it.
    if (statements.length === 0 || /^[^\s\]})]/.test(line)) statements.push([line]);
    else statements[statements.length - 1].push(line);
  }
  const decls = new Map();
  const always = [];
  statements.forEach((lines, i) => {
    const text = lines.join("\n");
    const m = /^(?:export )?(?:const|var|let) ([\w$]+) =/.exec(text);
    if (m) decls.set(m[1], { i, text });
    else always.push(i);
  });
  const keep = new Set(always);
  const queue = [...roots, ...always.flatMap((i) => statements[i].join("\n").match(/[A-Za-z_$][\w$]*/g) ?? [])];
  while (queue.length) {
    const name = queue.pop();
    const d = decls.get(name);
    if (!d || keep.has(d.i)) continue;
    keep.add(d.i);
    for (const id of d.text.replace(/^(?:export )?(?:const|var|let) [\w$]+ =/, "").match(/[A-Za-z_$][\w$]*/g) ?? [])
      if (decls.has(id)) queue.push(id);
  }
  // Every command module still imports its schema by name (esbuild checks the imports of modules it then
  // drops): a pruned export stays as an undefined binding, used by no command the guard sends.
  return statements
    .map((lines, i) => {
      if (keep.has(i)) return lines.join("\n");
      const m = /^export (?:const|var|let) ([\w$]+) =/.exec(lines[0]);
      return m ? `export var ${m[1]} = void 0;` : "";
    })
    .filter(Boolean)
    .join("\n");
}

const pruneEc2Schemas = {
  name: "prune-ec2-schemas",
  setup(build) {
    build.onLoad({ filter: /client-ec2[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, (args) => ({
      contents: pruneSchemas(readFileSync(args.path, "utf8"), [
        ...EC2_OPERATIONS.map((op) => `${op}$`),
        "errorTypeRegistries",
      ]),
      loader: "js",
    }));
  },
};

module.exports = [pruneEc2Schemas];
module.exports.EC2_OPERATIONS = EC2_OPERATIONS;
module.exports.pruneSchemas = pruneSchemas;
