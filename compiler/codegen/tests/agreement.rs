//! Random expressions, evaluated by the generated module and by the
//! reference evaluator, must agree.
//!
//! Each expression `e` becomes a rule
//!
//! ```ward
//! rule r_N for r in resources("Test::*") {
//!   deny true message "{e}" at e
//!   require e
//! }
//! ```
//!
//! so the rendering of its value (the message), its location (the `at`)
//! and its truth (the outcome, and for an unknown the reason and the
//! unknown's location) are all compared, on every resource of an input that
//! holds every kind of value, unknown ones included. Expressions come from
//! a seeded generator, so a failure names a reproducible case; those the
//! checker rejects (statically certain type errors) are skipped.

mod common;

use common::{compare, program_or_errors};

const INPUT: &str = r#"
Parameters:
  NoDefault:
    Type: String
Resources:
  A:
    Type: Test::Thing
    Properties:
      N: 22
      F: 2.5
      Neg: -3
      Big: 100000000000000000000
      S: "22"
      T: Hello-World
      E: ""
      Cidr: 10.1.0.0/16
      V6: "2001:db8::1"
      L: [1, "a", { k: 1 }, null]
      O: { b: 1, a: [true, null], "x y": z }
      U: !Ref NoDefault
      LU: [1, !Ref NoDefault]
      OU: { k: !Ref NoDefault }
      B: true
      Uni: "héllo\n\"q\"\t\\"
      Ports: { From: "20", To: 30 }
      Tags:
        - Key: env
          Value: prod
  B:
    Type: Test::Other
    Properties:
      N: 0.1
      S: abc
      L: []
      O: {}
      T: hello-world
      Ref: !Ref A
      B: false
      F: -0.000001
  C:
    Type: Test::Thing
    DependsOn: [A, B]
    Properties:
      N: -22
      L: [1, 2, 3]
      O: { k: [1, { x: "y" }] }
      Ports: { From: -1 }
      Cidr: "::/0"
"#;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PROPS: &[&str] = &[
    "N", "F", "Neg", "Big", "S", "T", "E", "Cidr", "V6", "L", "O", "U", "LU", "OU", "B", "Uni",
    "Ports", "Missing", "Ref",
];

const LITERALS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2.5",
    "0.1",
    "1e16",
    "22",
    "\"a\"",
    "\"22\"",
    "\"Hello\"",
    "\"\"",
    "\"0.0.0.0/0\"",
    "\"10.0.0.0/8\"",
    "\"é\"",
    "null",
    "true",
    "false",
    "[1, 2]",
    "[\"a\", null]",
    "{a: 1}",
    "{b: 1, a: [true, null], \"x y\": \"z\"}",
    "[]",
];

const PATTERNS: &[&str] = &[
    "r\"^[A-Z]\"",
    "r\"o\"",
    "r\"^\\d+$\"",
    "r\"(?i)hello\"",
    "r\"^$\"",
    "r\"é\"",
];

fn leaf(rng: &mut Rng, vars: &[String]) -> String {
    match rng.below(10) {
        0..=3 => format!("r.props.{}", rng.pick(PROPS)),
        4 | 5 => {
            let literal = rng.pick(LITERALS);
            // Literals through `id` hide their type from the checker.
            if rng.below(2) == 0 {
                format!("id({literal})")
            } else {
                literal.to_string()
            }
        }
        6 if !vars.is_empty() => vars[rng.below(vars.len())].clone(),
        6 => "r".to_string(),
        7 => rng
            .pick(&[
                "r",
                "r.id",
                "r.type",
                "r.tags",
                "r.metadata",
                "r.tags.env",
                "r.props",
            ])
            .to_string(),
        8 => format!(
            "r.props.{}.{}",
            rng.pick(PROPS),
            rng.pick(&["k", "a", "b", "From", "To", "x"])
        ),
        _ => format!(
            "r.props.L[{}]",
            rng.pick(&["0", "1", "2", "3", "-1", "0.5", "\"a\""])
        ),
    }
}

fn expr(rng: &mut Rng, depth: usize, vars: &mut Vec<String>) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return leaf(rng, vars);
    }
    let d = depth - 1;
    match rng.below(14) {
        0 => format!("not ({})", expr(rng, d, vars)),
        1 => format!("-({})", expr(rng, d, vars)),
        2..=4 => {
            let op = rng.pick(&[
                "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "in", "not in", "and",
                "or",
            ]);
            format!("({}) {op} ({})", expr(rng, d, vars), expr(rng, d, vars))
        }
        5 => format!("({}) matches {}", expr(rng, d, vars), rng.pick(PATTERNS)),
        6 | 7 => {
            let one = [
                "count",
                "len",
                "keys",
                "values",
                "as_list",
                "exists",
                "is_unknown",
                "lower",
                "upper",
                "number",
                "string",
                "is_cidr",
                "id",
                "pair",
            ];
            format!("{}({})", rng.pick(&one), expr(rng, d, vars))
        }
        8 => {
            let two = [
                "starts_with",
                "ends_with",
                "contains",
                "cidr_contains",
                "same",
            ];
            format!(
                "{}({}, {})",
                rng.pick(&two),
                expr(rng, d, vars),
                expr(rng, d, vars)
            )
        }
        9 => format!(
            "port_in_range({}, {}, {})",
            expr(rng, d, vars),
            expr(rng, d, vars),
            expr(rng, d, vars)
        ),
        10 => format!("({})[{}]", expr(rng, d, vars), expr(rng, d, vars)),
        11 => {
            let source = expr(rng, d, vars);
            let name = format!("x{}", vars.len());
            vars.push(name.clone());
            let body = expr(rng, d, vars);
            vars.pop();
            let kind = rng.pick(&["all", "any", "none"]);
            format!("({kind} {name} in ({source}): {body})")
        }
        12 => rng
            .pick(&[
                "refs(r)",
                "referrers(r)",
                "refs(r, \"Test::Thing\")",
                "referrers(r, \"Test::*\")",
                "resources(\"Test::Other\", \"Test::T*\")",
            ])
            .to_string(),
        _ => format!(
            "\"<{{{}}}|{{{}}}>\"",
            expr(rng, d, vars),
            expr(rng, d, vars)
        ),
    }
}

const FUNCTIONS: &str = r#"
fn id(v) = v
fn pair(v) = [v, {v: v}]
fn same(a, b) = a == b or is_unknown(a)
"#;

fn rule(index: usize, e: &str) -> String {
    // Braces inside the interpolation are fine; quotes are not, so the
    // rendered expression is bound first.
    format!(
        "@severity(low)\nrule r_{index} for r in resources(\"Test::*\") {{\n  let v = {e}\n  deny true message \"{{v}}\" at v\n  require v\n}}\n"
    )
}

#[test]
fn random_expressions_agree() {
    let document =
        ward_model::load("input.yaml", INPUT.as_bytes(), &Default::default()).expect("input loads");
    // More expressions or another seed: `WARD_AGREEMENT=<count>:<seed>`.
    let (count, seed) = std::env::var("WARD_AGREEMENT")
        .ok()
        .and_then(|text| {
            let (count, seed) = text.split_once(':')?;
            Some((count.parse().ok()?, seed.parse().ok()?))
        })
        .unwrap_or((600usize, 0x5eed_1234_abcd_0001u64));
    let mut rng = Rng(seed);
    let mut accepted = Vec::new();
    let mut tried = 0;
    while accepted.len() < count && tried < count * 10 {
        tried += 1;
        let depth = 1 + rng.below(5);
        let e = expr(&mut rng, depth, &mut Vec::new());
        let source = format!("{FUNCTIONS}{}", rule(0, &e));
        if program_or_errors(&[("p.ward".to_string(), source)]).is_ok() {
            accepted.push(e);
        }
    }
    assert!(
        accepted.len() >= count / 2,
        "only {} of {tried} expressions type-check",
        accepted.len()
    );
    eprintln!(
        "{} of {tried} expressions type-check ({} interpolate), for example:",
        accepted.len(),
        accepted.iter().filter(|e| e.contains("\"<{")).count()
    );
    for e in accepted.iter().take(10) {
        eprintln!("  {e}");
    }
    for (batch, chunk) in accepted.chunks(50).enumerate() {
        let mut source = FUNCTIONS.to_string();
        for (index, e) in chunk.iter().enumerate() {
            source.push_str(&rule(index, e));
        }
        let program =
            program_or_errors(&[("p.ward".to_string(), source.clone())]).expect("batch compiles");
        compare(&format!("batch {batch}"), &program, &document, &|index| {
            chunk.get(index).cloned().unwrap_or_default()
        });
    }
}

fn stmts(
    rng: &mut Rng,
    depth: usize,
    vars: &mut Vec<String>,
    lets: &mut usize,
    out: &mut String,
    indent: usize,
) {
    let pad = "  ".repeat(indent);
    for _ in 0..1 + rng.below(4) {
        match rng.below(7) {
            0 => {
                let name = format!("v{lets}");
                *lets += 1;
                out.push_str(&format!("{pad}let {name} = {}\n", expr(rng, 2, vars)));
                vars.push(name);
            }
            1 | 2 => {
                let kind = rng.pick(&["require", "deny"]);
                out.push_str(&format!("{pad}{kind} {}", expr(rng, 2, vars)));
                if rng.below(2) == 0 {
                    out.push_str(&format!(" message \"m{{{}}}\"", expr(rng, 1, vars)));
                }
                if rng.below(2) == 0 {
                    out.push_str(&format!(" at {}", expr(rng, 1, vars)));
                }
                out.push('\n');
            }
            3 => out.push_str(&format!("{pad}when {}\n", expr(rng, 2, vars))),
            4 if depth > 0 => {
                let name = format!("x{}", vars.len());
                out.push_str(&format!("{pad}for {name} in {} {{\n", expr(rng, 2, vars)));
                vars.push(name);
                let before = vars.len();
                stmts(rng, depth - 1, vars, lets, out, indent + 1);
                vars.truncate(before - 1);
                out.push_str(&format!("{pad}}}\n"));
            }
            _ => {
                let kind = rng.pick(&["require", "deny"]);
                out.push_str(&format!("{pad}{kind} {}\n", expr(rng, 3, vars)));
            }
        }
    }
}

/// Random rule bodies: `let`, `require`/`deny` with messages and
/// locations, `when` at the top and in loops, nested `for`, header guards.
#[test]
fn random_rules_agree() {
    let document =
        ward_model::load("input.yaml", INPUT.as_bytes(), &Default::default()).expect("input loads");
    let (count, seed) = std::env::var("WARD_AGREEMENT_RULES")
        .ok()
        .and_then(|text| {
            let (count, seed) = text.split_once(':')?;
            Some((count.parse().ok()?, seed.parse().ok()?))
        })
        .unwrap_or((300usize, 0x0dd_ba11_u64));
    let mut rng = Rng(seed);
    let mut accepted = Vec::new();
    let mut tried = 0;
    while accepted.len() < count && tried < count * 20 {
        tried += 1;
        let mut body = String::new();
        let mut vars = Vec::new();
        let mut lets = 0;
        stmts(&mut rng, 2, &mut vars, &mut lets, &mut body, 1);
        let guard = if rng.below(3) == 0 {
            format!(" when {}", expr(&mut rng, 2, &mut Vec::new()))
        } else {
            String::new()
        };
        let rule = format!("rule r_INDEX for r in resources(\"Test::*\"){guard} {{\n{body}}}\n");
        let source = format!("{FUNCTIONS}{}", rule.replace("INDEX", "0"));
        if program_or_errors(&[("p.ward".to_string(), source)]).is_ok() {
            accepted.push(rule);
        }
    }
    assert!(
        accepted.len() >= count / 2,
        "only {} of {tried} rules check",
        accepted.len()
    );
    eprintln!(
        "{} of {tried} rules check, for example:\n{}",
        accepted.len(),
        accepted.iter().take(3).cloned().collect::<String>()
    );
    for (batch, chunk) in accepted.chunks(50).enumerate() {
        let mut source = FUNCTIONS.to_string();
        for (index, rule) in chunk.iter().enumerate() {
            source.push_str(&rule.replace("INDEX", &index.to_string()));
        }
        let program = program_or_errors(&[("p.ward".to_string(), source)]).expect("batch compiles");
        compare(
            &format!("rules batch {batch}"),
            &program,
            &document,
            &|index| chunk.get(index).cloned().unwrap_or_default(),
        );
    }
}
