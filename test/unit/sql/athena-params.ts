/**
 * Athena accepts execution parameters (`?`) only in WHERE clauses ("Currently, ? parameters can
 * be placed only in the WHERE clause. Syntax like SELECT ? FROM table is not supported.",
 * Athena user guide, parameterized queries). DuckDB runs the same SQL with `?` anywhere, so a
 * misplaced parameter would pass every local test; this checker finds it with a Trino grammar
 * (dt-sql-parser's TrinoSQL).
 */
import { TrinoSQL } from "dt-sql-parser";

/** The part of antlr4ng's parse tree API the checker uses (rule contexts and terminal nodes). */
interface TreeNode {
  parent: TreeNode | null;
  getChildCount(): number;
  getChild(i: number): TreeNode | null;
  getText(): string;
  /** Rule contexts only. */
  ruleIndex?: number;
  /** Terminal nodes only. */
  symbol?: { line: number; column: number };
}

/**
 * Rules at which the search for an enclosing WHERE stops: a query (or a part of one) or an
 * aggregate FILTER. Reaching one of them before a WHERE means the parameter sits in some other
 * clause of that query (SELECT list, FROM/JOIN ON, GROUP BY, HAVING, ORDER BY, LIMIT, VALUES …).
 */
const boundaries = new Set([
  "whereClause",
  "filter",
  "querySpecification",
  "queryPrimary",
  "queryTerm",
  "queryNoWith",
  "query",
  "rootQuery",
  "statement",
]);

export interface ParameterCheck {
  /** Syntax errors reported by the Trino grammar. */
  syntaxErrors: string[];
  /** Number of `?` tokens in the statement (outside comments and string literals). */
  parameters: number;
  /** One message per `?` that is not inside a WHERE clause of a SELECT. */
  misplaced: string[];
}

/**
 * Parses `sql` with the Trino grammar and checks every `?`: it must be a value expression
 * (grammar rule `primaryExpression`, not e.g. a LIMIT row count), and walking up the parse tree
 * from it, the first query boundary reached must be a `whereClause` belonging to a query
 * specification (not the WHERE of an aggregate `FILTER (WHERE …)`). A WHERE of a CTE or
 * subquery counts, since the walk stops at the innermost enclosing clause.
 */
export function checkParameters(sql: string): ParameterCheck {
  const trino = new TrinoSQL();
  const syntaxErrors = trino.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
  const parser = trino.createParser(sql);
  const ruleNames = parser.ruleNames;
  const tokens = trino.getAllTokens(sql).filter((t) => t.text === "?");
  const tree = trino.parse(sql) as unknown as TreeNode;

  const marks: TreeNode[] = [];
  const collect = (node: TreeNode): void => {
    const n = node.getChildCount();
    if (node.symbol && node.getText() === "?") marks.push(node);
    for (let i = 0; i < n; i++) {
      const child = node.getChild(i);
      if (child) collect(child);
    }
  };
  collect(tree);

  const ruleOf = (node: TreeNode | null): string | undefined =>
    node?.ruleIndex === undefined ? undefined : ruleNames[node.ruleIndex];

  const misplaced: string[] = [];
  for (const mark of marks) {
    const where = `? at ${mark.symbol?.line}:${mark.symbol?.column}`;
    const holder = ruleOf(mark.parent);
    if (holder !== "primaryExpression") {
      misplaced.push(`${where} is not a value expression (in ${holder ?? "?"})`);
      continue;
    }
    let child: TreeNode = mark;
    let node = mark.parent;
    while (node && !boundaries.has(ruleOf(node) ?? "")) {
      child = node;
      node = node.parent;
    }
    const boundary = ruleOf(node);
    if (boundary === "whereClause" && ruleOf(node?.parent ?? null) === "querySpecification") continue;
    const clause =
      boundary === "whereClause"
        ? `whereClause of ${ruleOf(node?.parent ?? null)}`
        : `${ruleOf(child)} of ${boundary}`;
    misplaced.push(`${where} is outside a WHERE clause (in ${clause})`);
  }
  // Error recovery could leave a `?` token out of the tree; then the count below differs.
  if (marks.length !== tokens.length)
    misplaced.push(`${tokens.length} ? tokens but ${marks.length} in the parse tree`);
  return { syntaxErrors, parameters: tokens.length, misplaced };
}
