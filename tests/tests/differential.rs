//! Differential testing of the two backends.
//!
//! Random well-typed policies and random CloudFormation templates (now and
//! then the same resources as AWS Config items) are evaluated by the
//! reference evaluator (`ward_eval`) and by the compiled module under
//! `ward-runtime`; the two reports must be equal: the outcome of every rule
//! on every resource, every finding with all its fields, in the same order,
//! and the summary.
//!
//! Policies use `let`, `require`, `deny`, `when` (in the header, at the top
//! and inside loops and branches), nested `for`, `if`/`else if`/`else`, the
//! quantifiers, comparisons, `in`, `matches` with literal patterns (on
//! text with unknown parts too, with patterns its known parts may decide),
//! comprehensions, list concatenation, slices of lists and strings,
//! interpolated messages, `at`, helper functions and the builtins
//! (`sum`, `min`, `max` and `distinct` included), in rules that run once per
//! resource and rules that run once per input; templates have resources of six types with
//! random property trees (absent properties, numeric strings, lists and
//! single values, keys the policy never names or must quote), `Ref`,
//! `Fn::GetAtt`, `Fn::Sub` and `DependsOn` between resources (edges for
//! `refs` and `referrers`), tags, and parameters without defaults and an
//! undecidable condition (unknown values), whose declarations `parameter`
//! and details `unknown_detail` read; a resource's `format` and unknown
//! values made by `unknown(reason)`.
//!
//! Policies and templates are built from streams of choices that proptest
//! generates and shrinks. Choice 0 is always the simplest option and a
//! stream that runs out keeps choosing 0, so shrinking a stream (dropping
//! choices, lowering them) shrinks the program and the template. A policy the
//! compiler reports any diagnostic for is discarded.
//!
//! Every mismatch found this way is minimised and committed under
//! `tests/regressions/`: a `.ward` file whose header comment says what went
//! wrong and states the outcomes both engines must give, beside its input
//! with the same stem. `regressions_agree` runs each of them through both
//! engines.
//!
//! More cases or another seed: `WARD_DIFFERENTIAL=<cases>:<seed>`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use serde_json::{Map, Value as Json, json};
use ward_compiler::Compiler;
use ward_eval::Limits;
use ward_model::Document;
use ward_runtime::{Engine, EngineConfig, Input, ModuleCache, Policy, Report};

// ---------------------------------------------------------------------------
// Choices

/// A stream of choices; past its end every choice is 0.
struct Choices<'a> {
    data: &'a [u16],
    at: usize,
}

impl<'a> Choices<'a> {
    fn new(data: &'a [u16]) -> Choices<'a> {
        Choices { data, at: 0 }
    }

    /// A number below `n`; 0 is the simplest option.
    fn below(&mut self, n: usize) -> usize {
        let value = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(value) % n.max(1)
    }

    /// True one time in `n` (never for a stream that ran out).
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == n - 1
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// Policies

const RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::EC2::SecurityGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::IAM::Policy",
];

/// Paths of `refs(r, via: ...)`: where the generated templates write
/// references, a prefix of one that is no path, and none at all.
const VIA_PATHS: &[&str] = &[
    "SecretId",
    "DependsOn",
    "Open",
    "Secret",
    "Nested.Key",
    "Nested",
    "",
];

/// Type patterns of `resources(...)`, `refs(r, ...)` and `referrers(r, ...)`.
const TYPE_PATTERNS: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::EC2::SecurityGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::SecretsManager::RotationSchedule",
    "AWS::IAM::Policy",
    "AWS::SecretsManager::*",
    "AWS::*",
    "AWS::EC2::Instance",
];

const KEYS: &[&str] = &[
    "A", "B", "Port", "Cidr", "Name", "Items", "Enabled", "Days", "Missing", "Open", "Choice",
    "Text",
];

const TAG_KEYS: &[&str] = &["env", "Name", "owner"];

/// Keys read with a key computed at run time (`r.props["x y"]`): some the
/// module's key table lacks, some that need quoting in paths.
const COMPUTED_KEYS: &[&str] = &["x y", "Other", "été", "A", "Port"];

/// Keys of the templates: the policies' keys and some they never name.
const TEMPLATE_KEYS: &[&str] = &[
    "A", "B", "Port", "Cidr", "Name", "Items", "Enabled", "Days", "x y", "Other", "été",
];

const NUMBER_LITERALS: &[&str] = &["0", "22", "-1", "90", "2.5", "0.1", "443", "1e3"];

const STRING_LITERALS: &[&str] = &[
    "\"\"",
    "\"arn:aws:\"",
    "\"arn:aws:p:x\"",
    "\":x\"",
    "\"-logs\"",
    "\"arn:\"",
    "\"22\"",
    "\"abc\"",
    "\"ABC\"",
    "\"true\"",
    "\"0.0.0.0/0\"",
    "\"10.0.0.0/8\"",
    "\"::/0\"",
    "\"R1\"",
    "\"prod\"",
    "\"hé\"",
    "\"q\\\"t\"",
    "\"AWS::S3::Bucket\"",
    "\"10.1.2.3\"",
    "\"2001:db8::1\"",
    "\"::ffff:10.0.0.1\"",
    "\"10.0.0.0/33\"",
    "\"Été\"",
    "\"arn:aws:iam::123456789012:role/a:b\"",
    "\"arn:aws:s3:::\"",
    "\"iam:PassRole\"",
    "\"iam:*Role\"",
    "\"IAM:pass*\"",
    "\"*\"",
    "\"a,b,,c\"",
    "\",\"",
    "\"?\"",
];

const OTHER_LITERALS: &[&str] = &[
    "null",
    "true",
    "false",
    "[]",
    "[22, \"22\"]",
    "[\"0.0.0.0/0\", null]",
    "{A: 1}",
    "{Name: \"abc\", Port: 22}",
];

/// Patterns of `capture`: groups that take part or not, anchors, lines.
const CAPTURE_PATTERNS: &[&str] = &[
    "r\"^arn:aws:iam::(\\d+):role/(.*)$\"",
    "r\"^arn:([^:]*):([^:]*)\"",
    "r\"(a)|(b)\"",
    "r\"(?m)^(\\w+)$\"",
    "r\"(é|e)(.?)\"",
    "r\"x*\"",
];

/// Literal patterns: plain text, anchored, case-insensitive.
const PATTERNS: &[&str] = &[
    "r\"a\"",
    "r\"^R\"",
    "r\"0$\"",
    "r\"^prod\"",
    "r\"AWS\"",
    "r\"/0\"",
    "r\"(?i)abc\"",
];

/// Patterns that the known start or end of text with unknown parts
/// (`r.props.Text`: `arn:aws:${Open}:x`, `${Open}-logs`, `a${Open}`,
/// `arn:` + `Open` + a value) may decide: anchored at either end or both,
/// searches, and some the known parts rule out.
const TEXT_PATTERNS: &[&str] = &[
    "r\"^arn:aws:\"",
    "r\"^arn:aws-cn:\"",
    "r\"^arn:\"",
    "r\"-logs$\"",
    "r\":x$\"",
    "r\"^a\"",
    "r\"^arn:aws:[a-z]+:x$\"",
    "r\"^arn:.*-logs$\"",
    "r\"logs\"",
    "r\"(?i)^ARN\"",
    "r\"^$\"",
    "r\"s$\"",
    "r\"^arn:\\d+$\"",
    "r\"\\bx$\"",
];

const FUNCTIONS: &str = r#"package gen

fn is_public(cidr) = cidr == "0.0.0.0/0" or cidr == "::/0"
fn covers(permission, port) = permission.IpProtocol == "-1" or port_in_range(port, permission.Port, permission.Days)
fn first(items) = as_list(items)[0]

/// Policy parameters: the test sets some of them (`param_values`).
param p_num: number = 22
param p_str: string = "abc"
param p_bool: bool = true
param p_list: list = [22, "abc"]
param p_obj: object = { Name: "abc", Port: 22 }
"#;

/// The parameters of `FUNCTIONS` with the values a case may give them.
const PARAM_VALUES: &[(&str, &[&str])] = &[
    ("p_num", &["0", "90", "-1", "2.5"]),
    ("p_str", &["\"\"", "\"0.0.0.0/0\"", "\"prod-web\""]),
    ("p_bool", &["false", "true"]),
    ("p_list", &["[]", "[\"abc\", null]", "[[22]]"]),
    ("gen.p_obj", &["{}", "{\"Name\": \"x\", \"Port\": \"22\"}"]),
];

/// The parameters a case sets, from a stream of choices: each one or not,
/// by short or qualified name.
fn param_values(choices: &[u16]) -> Vec<(String, Json)> {
    let mut c = Choices::new(choices);
    let mut out = Vec::new();
    for (name, values) in PARAM_VALUES {
        if c.one_in(2) {
            let value = serde_json::from_str(c.pick(values)).expect("a JSON value");
            out.push((name.to_string(), value));
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sort {
    /// Any value: the checker knows nothing of it.
    Any,
    Bool,
    Num,
    Str,
    List,
    /// One resource.
    Res,
    /// A list of resources.
    Resources,
}

struct Var {
    name: String,
    sort: Sort,
}

struct PolicyGen<'a> {
    c: Choices<'a>,
    names: usize,
}

impl PolicyGen<'_> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn var_of(&mut self, scope: &[Var], sorts: &[Sort]) -> Option<String> {
        let found: Vec<&Var> = scope.iter().filter(|v| sorts.contains(&v.sort)).collect();
        if found.is_empty() {
            None
        } else {
            Some(found[self.c.below(found.len())].name.clone())
        }
    }

    /// A resource: the rule's, or one bound by a loop.
    fn resource(&mut self, scope: &[Var]) -> String {
        self.var_of(scope, &[Sort::Res])
            .unwrap_or_else(|| "r".to_string())
    }

    /// A value read from the input, without operators.
    fn access(&mut self, scope: &[Var]) -> String {
        match self.c.below(8) {
            0 => format!("r.props.{}", self.c.pick(KEYS)),
            1 => format!("r.props.{}.{}", self.c.pick(KEYS), self.c.pick(KEYS)),
            2 => format!(
                "r.props.{}[{}]",
                self.c.pick(KEYS),
                self.c.pick(&["0", "1", "-1"])
            ),
            3 => match self.var_of(scope, &[Sort::Any]) {
                Some(var) => match self.c.below(3) {
                    0 => var,
                    1 => format!("{var}.{}", self.c.pick(KEYS)),
                    _ => format!("{var}[0]"),
                },
                None => format!("r.props.{}", self.c.pick(KEYS)),
            },
            4 => {
                let resource = self.resource(scope);
                format!("{resource}.props.{}", self.c.pick(KEYS))
            }
            5 => match self.c.below(3) {
                0 => format!("r.tags.{}", self.c.pick(TAG_KEYS)),
                1 => format!("r.props[\"{}\"]", self.c.pick(COMPUTED_KEYS)),
                _ => format!("r.tags[\"{}\"]", self.c.pick(TAG_KEYS)),
            },
            6 => self
                .c
                .pick(&[
                    "r.metadata.DependsOn",
                    "r.props",
                    "r.tags",
                    "r.metadata",
                    "r.format",
                    "unknown(\"not recorded\")",
                    "unknown(r.props.Text)",
                ])
                .to_string(),
            _ => match self.var_of(scope, &[Sort::Any]) {
                Some(var) => var,
                None => "r.props.Items".to_string(),
            },
        }
    }

    /// A value whose type the checker cannot know: read from the input.
    fn dynamic(&mut self, depth: usize, scope: &mut Vec<Var>) -> String {
        match self.c.below(4) {
            0 | 1 => self.access(scope),
            2 if depth > 0 => {
                let items = self.expr(Sort::Any, depth - 1, scope);
                format!("first({items})")
            }
            _ => {
                let inner = self.access(scope);
                format!("({inner}).{}", self.c.pick(KEYS))
            }
        }
    }

    fn literal(&mut self, sort: Sort) -> String {
        match sort {
            Sort::Num => self.c.pick(NUMBER_LITERALS).to_string(),
            Sort::Str => self.c.pick(STRING_LITERALS).to_string(),
            Sort::Bool => self.c.pick(&["true", "false"]).to_string(),
            Sort::List => self
                .c
                .pick(&["[]", "[22, \"22\"]", "[\"abc\", \"prod\", null]"])
                .to_string(),
            _ => match self.c.below(3) {
                0 => self.c.pick(NUMBER_LITERALS).to_string(),
                1 => self.c.pick(STRING_LITERALS).to_string(),
                _ => self.c.pick(OTHER_LITERALS).to_string(),
            },
        }
    }

    fn expr(&mut self, sort: Sort, depth: usize, scope: &mut Vec<Var>) -> String {
        if depth == 0 {
            return self.leaf(sort, scope);
        }
        let d = depth - 1;
        match sort {
            Sort::Any => match self.c.below(7) {
                0 => self.leaf(sort, scope),
                6 => {
                    let text = self.string_argument(d, scope);
                    match self.c.below(3) {
                        0 => format!("arn({text})"),
                        _ => format!(
                            "arn({text}).{}",
                            self.c
                                .pick(&["partition", "service", "region", "account", "resource"])
                        ),
                    }
                }
                1 => {
                    let inner = self.expr(Sort::Any, d, scope);
                    format!("({inner}).{}", self.c.pick(KEYS))
                }
                2 => {
                    let list = self.expr(Sort::List, d, scope);
                    let index = self.expr(Sort::Num, d, scope);
                    format!("({list})[{index}]")
                }
                3 => {
                    let items = self.expr(Sort::Any, d, scope);
                    format!("first({items})")
                }
                _ => {
                    let other = [Sort::Bool, Sort::Num, Sort::Str, Sort::List][self.c.below(4)];
                    self.expr(other, d, scope)
                }
            },
            Sort::Bool => self.condition(d, scope),
            Sort::Num => match self.c.below(9) {
                7 => {
                    let f = self.c.pick(&["sum", "min", "max"]);
                    format!("{f}({})", self.expr(Sort::List, d, scope))
                }
                8 => format!("len({})", self.slice(Sort::Str, d, scope)),
                0 => self.leaf(sort, scope),
                1 => format!("count({})", self.expr(Sort::List, d, scope)),
                2 => format!("len({})", self.expr(Sort::Any, d, scope)),
                3 => format!("number({})", self.expr(Sort::Any, d, scope)),
                4 => {
                    let op = self.c.pick(&["+", "-", "*", "/", "%"]);
                    let a = self.expr(Sort::Num, d, scope);
                    let b = self.expr(Sort::Num, d, scope);
                    format!("({a}) {op} ({b})")
                }
                5 => format!("-({})", self.expr(Sort::Num, d, scope)),
                _ => format!("count({})", self.expr(Sort::Resources, d, scope)),
            },
            Sort::Str => match self.c.below(8) {
                7 => self.slice(Sort::Str, d, scope),
                0 => self.leaf(sort, scope),
                1 => {
                    let f = self.c.pick(&["lower", "upper"]);
                    format!("{f}({})", self.expr(Sort::Str, d, scope))
                }
                2 => format!("string({})", self.expr(Sort::Any, d, scope)),
                3 => {
                    let a = self.expr(Sort::Str, d, scope);
                    let b = self.expr(Sort::Str, d, scope);
                    format!("({a}) + ({b})")
                }
                4 => self.interpolated(scope),
                6 => self.string_builtin(d, scope),
                _ => {
                    let resource = self.resource(scope);
                    format!("{resource}.{}", self.c.pick(&["id", "type"]))
                }
            },
            Sort::List => match self.c.below(11) {
                7 => self.comprehension(d, scope),
                8 => format!("distinct({})", self.expr(Sort::List, d, scope)),
                9 => {
                    let a = self.expr(Sort::List, d, scope);
                    let b = self.expr(Sort::List, d, scope);
                    format!("({a}) + ({b})")
                }
                10 => self.slice(Sort::List, d, scope),
                0 => self.leaf(sort, scope),
                1 => format!("as_list({})", self.expr(Sort::Any, d, scope)),
                2 => {
                    let a = self.expr(Sort::Any, d, scope);
                    let b = self.expr(Sort::Any, d, scope);
                    format!("[{a}, {b}]")
                }
                3 => {
                    let f = self.c.pick(&["keys", "values"]);
                    format!("{f}({})", self.access(scope))
                }
                4 => self.expr(Sort::Resources, d, scope),
                6 => self.list_builtin(d, scope),
                _ => self.access(scope),
            },
            Sort::Res => self.resource(scope),
            Sort::Resources => {
                let resource = self.resource(scope);
                match self.c.below(7) {
                    0 => format!("refs({resource})"),
                    1 => format!("referrers({resource})"),
                    2 => format!("refs({resource}, \"{}\")", self.c.pick(TYPE_PATTERNS)),
                    3 => format!("referrers({resource}, \"{}\")", self.c.pick(TYPE_PATTERNS)),
                    4 => format!(
                        "{}({resource}, via: \"{}\")",
                        self.c.pick(&["refs", "referrers"]),
                        self.c.pick(VIA_PATHS)
                    ),
                    5 => format!(
                        "{}({resource}, \"{}\", via: {})",
                        self.c.pick(&["refs", "referrers"]),
                        self.c.pick(TYPE_PATTERNS),
                        self.leaf(Sort::Str, scope)
                    ),
                    _ => format!("resources(\"{}\")", self.c.pick(TYPE_PATTERNS)),
                }
            }
        }
    }

    /// `[element for x in source if filter]` over a list or resources.
    fn comprehension(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        let (source, sort) = if self.c.below(2) == 0 {
            (self.expr(Sort::List, d, scope), Sort::Any)
        } else {
            (self.expr(Sort::Resources, d, scope), Sort::Res)
        };
        let name = self.fresh("c");
        scope.push(Var {
            name: name.clone(),
            sort,
        });
        let filter = match self.c.below(3) {
            0 => String::new(),
            _ => format!(" if {}", self.condition(d, scope)),
        };
        let element = match self.c.below(3) {
            0 => name.clone(),
            1 => self.expr(Sort::Any, d, scope),
            _ => self.access(scope),
        };
        scope.pop();
        format!("[{element} for {name} in ({source}){filter}]")
    }

    /// `(base)[a:b]` of a list or a string, either bound left out.
    fn slice(&mut self, sort: Sort, d: usize, scope: &mut Vec<Var>) -> String {
        let base = if self.c.below(3) == 0 {
            self.dynamic(d, scope)
        } else {
            self.expr(sort, d, scope)
        };
        let mut bound = |this: &mut Self| match this.c.below(4) {
            0 => String::new(),
            1 => this.expr(Sort::Num, d, scope),
            _ => this
                .c
                .pick(&["0", "1", "-1", "2", "-3", "10", "0.5"])
                .to_string(),
        };
        let start = bound(self);
        let end = bound(self);
        format!("({base})[{start}:{end}]")
    }

    fn leaf(&mut self, sort: Sort, scope: &mut Vec<Var>) -> String {
        match sort {
            Sort::Bool => match self.c.below(4) {
                0 => format!("r.props.{}", self.c.pick(KEYS)),
                1 => self.literal(Sort::Bool),
                2 => format!("exists({})", self.access(scope)),
                _ => self
                    .var_of(scope, &[Sort::Bool])
                    .unwrap_or_else(|| "r.props.Enabled".to_string()),
            },
            Sort::Res | Sort::Resources => self.expr(sort, 1, scope),
            _ => match self.c.below(4) {
                0 => self.access(scope),
                1 => self.literal(sort),
                2 => self.param(sort),
                _ => self
                    .var_of(scope, &[sort])
                    .unwrap_or_else(|| self.literal(sort)),
            },
        }
    }

    /// A policy parameter of the sort.
    fn param(&mut self, sort: Sort) -> String {
        match sort {
            Sort::Num => "p_num".to_string(),
            Sort::Str => "p_str".to_string(),
            Sort::Bool => "p_bool".to_string(),
            Sort::List => "p_list".to_string(),
            _ => self
                .c
                .pick(&["p_obj", "p_obj.Name", "p_obj.Port", "p_list[1]", "p_num"])
                .to_string(),
        }
    }

    fn condition(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        match self.c.below(20) {
            0 => self.leaf(Sort::Bool, scope),
            // A template parameter's declaration, read field by field.
            19 => {
                let value = match self.c.below(2) {
                    0 => "r.props.Open".to_string(),
                    _ => self.dynamic(d, scope),
                };
                let field =
                    self.c
                        .pick(&["", ".Type", ".NoEcho", ".MinLength", ".Default", ".Missing"]);
                let other = if self.c.one_in(2) {
                    self.c
                        .pick(&["null", "true", "\"true\"", "1", "\"String\""])
                        .to_string()
                } else {
                    self.literal(Sort::Any)
                };
                if self.c.one_in(3) {
                    let detail = self
                        .c
                        .pick(&["\"Open\"", "\"Arn\"", "\"AWS::Region\"", "null"]);
                    return format!("unknown_detail({value}) == {detail}");
                }
                format!("parameter({value}){field} == {other}")
            }
            16 => self.action_condition(d, scope),
            1 => {
                let op = self.c.pick(&["==", "!="]);
                let a = self.dynamic(d, scope);
                let b = if self.c.below(2) == 0 {
                    self.literal(Sort::Any)
                } else {
                    self.dynamic(d, scope)
                };
                format!("({a}) {op} {b}")
            }
            2 => {
                let op = self.c.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let a = self.expr(Sort::Num, d, scope);
                let b = self.expr(Sort::Num, d, scope);
                format!("({a}) {op} ({b})")
            }
            3 => {
                let op = self.c.pick(&["==", "!=", "<", ">="]);
                let a = self.expr(Sort::Str, d, scope);
                let b = self.expr(Sort::Str, d, scope);
                format!("({a}) {op} ({b})")
            }
            4 => {
                let op = self.c.pick(&["in", "not in"]);
                let a = self.expr(Sort::Any, d, scope);
                let b = self.expr(Sort::List, d, scope);
                format!("({a}) {op} ({b})")
            }
            5 => {
                let a = self.expr(Sort::Str, d, scope);
                let b = self.expr(Sort::Str, d, scope);
                format!("({a}) in ({b})")
            }
            6 => {
                let a = match self.c.below(3) {
                    0 => self.dynamic(d, scope),
                    1 => self.expr(Sort::Str, d, scope),
                    // Text with unknown parts, which the known parts may
                    // decide.
                    _ => "r.props.Text".to_string(),
                };
                let pattern = if self.c.one_in(2) {
                    self.c.pick(TEXT_PATTERNS)
                } else {
                    self.c.pick(PATTERNS)
                };
                format!("({a}) matches {pattern}")
            }
            7 => {
                let f = self.c.pick(&["exists", "is_unknown"]);
                format!("{f}({})", self.expr(Sort::Any, d, scope))
            }
            // References: `target` and `unknown_kind`, compared.
            17 => format!(
                "target({}) == {}",
                self.expr(Sort::Any, d, scope),
                self.resource(scope)
            ),
            18 => format!(
                "unknown_kind({}) == \"{}\"",
                self.expr(Sort::Any, d, scope),
                self.c
                    .pick(&["reference", "parameter", "other", "pseudo_parameter"])
            ),
            8 => {
                let f = self.c.pick(&["starts_with", "ends_with"]);
                let a = self.expr(Sort::Str, d, scope);
                let b = self.expr(Sort::Str, d, scope);
                format!("{f}({a}, {b})")
            }
            9 => {
                let a = self.expr(Sort::Any, d, scope);
                let b = self.expr(Sort::Any, d, scope);
                format!("contains({a}, {b})")
            }
            10 => match self.c.below(3) {
                0 => {
                    let a = self.expr(Sort::Str, d, scope);
                    let b = self.expr(Sort::Str, d, scope);
                    format!("cidr_contains({a}, {b})")
                }
                1 => {
                    let port = self.expr(Sort::Num, d, scope);
                    let from = self.expr(Sort::Any, d, scope);
                    let to = self.expr(Sort::Any, d, scope);
                    format!("port_in_range({port}, {from}, {to})")
                }
                _ => format!("is_public({})", self.expr(Sort::Any, d, scope)),
            },
            11 => format!("not ({})", self.condition(d, scope)),
            12 => {
                let op = self.c.pick(&["and", "or"]);
                let a = self.condition(d, scope);
                let b = self.condition(d, scope);
                format!("({a}) {op} ({b})")
            }
            13 => {
                let kind = self.c.pick(&["all", "any", "none"]);
                let (source, sort) = if self.c.below(2) == 0 {
                    (self.expr(Sort::List, d, scope), Sort::Any)
                } else {
                    (self.expr(Sort::Resources, d, scope), Sort::Res)
                };
                let name = self.fresh("q");
                scope.push(Var {
                    name: name.clone(),
                    sort,
                });
                let body = self.condition(d, scope);
                scope.pop();
                format!("({kind} {name} in ({source}): {body})")
            }
            14 => {
                let a = self.resource(scope);
                let b = self.expr(Sort::Res, d, scope);
                format!("{a} == {b}")
            }
            _ => {
                let permission = self.access(scope);
                let port = self.expr(Sort::Num, d, scope);
                format!("covers({permission}, {port})")
            }
        }
    }

    /// A string or something else: the new builtins take any value.
    fn string_argument(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        match self.c.below(2) {
            0 => self.dynamic(d, scope),
            _ => self.expr(Sort::Str, d, scope),
        }
    }

    /// `replace`, `substring`, `join`.
    fn string_builtin(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        let text = self.string_argument(d, scope);
        match self.c.below(4) {
            0 => {
                let old = self.string_argument(d, scope);
                let new = self.string_argument(d, scope);
                format!("replace({text}, {old}, {new})")
            }
            1 => {
                let start = self.expr(Sort::Num, d, scope);
                format!("substring({text}, {start})")
            }
            2 => {
                let start = self.expr(Sort::Num, d, scope);
                let end = if self.c.one_in(3) {
                    self.dynamic(d, scope)
                } else {
                    self.expr(Sort::Num, d, scope)
                };
                format!("substring({text}, {start}, {end})")
            }
            _ => {
                let items = if self.c.one_in(2) {
                    self.expr(Sort::List, d, scope)
                } else {
                    self.dynamic(d, scope)
                };
                format!("join({items}, {text})")
            }
        }
    }

    /// `split`, `capture`.
    fn list_builtin(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        let text = self.string_argument(d, scope);
        if self.c.one_in(2) {
            let separator = self.string_argument(d, scope);
            format!("split({text}, {separator})")
        } else {
            format!("capture({text}, {})", self.c.pick(CAPTURE_PATTERNS))
        }
    }

    /// `glob_match`, `action_matches`, `actions_overlap`, on strings,
    /// lists and anything else.
    fn action_condition(&mut self, d: usize, scope: &mut Vec<Var>) -> String {
        let f = self
            .c
            .pick(&["glob_match", "action_matches", "actions_overlap"]);
        let lists = f != "glob_match";
        let mut side = |this: &mut Self| {
            if lists && this.c.one_in(3) {
                this.expr(Sort::List, d, scope)
            } else {
                this.string_argument(d, scope)
            }
        };
        let a = side(self);
        let b = side(self);
        format!("{f}({a}, {b})")
    }

    /// An expression allowed inside a string interpolation: names, field
    /// access, indexing and calls, no string literal.
    fn interpolation(&mut self, depth: usize, scope: &[Var]) -> String {
        if depth == 0 {
            return match self.c.below(4) {
                0 => "r".to_string(),
                1 => self.access(scope),
                2 => self
                    .c
                    .pick(&[
                        "refs(r)",
                        "referrers(r)",
                        "keys(r.props)",
                        "values(r.props)",
                        "r.props",
                        "r.tags",
                    ])
                    .to_string(),
                _ => self
                    .var_of(
                        scope,
                        &[Sort::Any, Sort::Res, Sort::Num, Sort::Str, Sort::List],
                    )
                    .unwrap_or_else(|| "r.id".to_string()),
            };
        }
        let inner = self.interpolation(depth - 1, scope);
        match self.c.below(5) {
            0 => inner,
            1 => {
                let f = self
                    .c
                    .pick(&["count", "len", "number", "string", "as_list"]);
                format!("{f}({inner})")
            }
            2 => {
                let f = self.c.pick(&[
                    "exists",
                    "is_unknown",
                    "unknown_kind",
                    "target",
                    "parameter",
                    "unknown_detail",
                ]);
                format!("{f}({inner})")
            }
            3 => format!("{inner}[0]"),
            _ => format!("lower(string({inner}))"),
        }
    }

    fn interpolated(&mut self, scope: &[Var]) -> String {
        let mut text = String::from("\"");
        text.push_str(self.c.pick(&["", "m ", "hé ", "\\{x\\} ", "tab\\t"]));
        for _ in 0..1 + self.c.below(2) {
            let depth = self.c.below(3);
            let inner = self.interpolation(depth, scope);
            text.push('{');
            text.push_str(&inner);
            text.push('}');
            text.push_str(self.c.pick(&[" ", "", "|", " is \\\"x\\\""]));
        }
        text.push('"');
        text
    }

    fn check(&mut self, scope: &mut Vec<Var>, pad: &str) -> String {
        // `deny` twice as often: random conditions are rarely true, so more
        // resources pass and the unknown results are not hidden by failures.
        let kind = self.c.pick(&["require", "deny", "deny"]);
        let depth = self.c.below(4);
        let condition = self.expr(Sort::Bool, depth, scope);
        let mut text = format!("{pad}{kind} {condition}");
        match self.c.below(4) {
            0 => {}
            1 | 2 => {
                let message = self.interpolated(scope);
                text.push_str(&format!("\n{pad}  message {message}"));
            }
            _ => {
                let message = self.expr(Sort::Any, 1, scope);
                text.push_str(&format!("\n{pad}  message {message}"));
            }
        }
        if self.c.below(2) == 1 {
            let at = match self.c.below(3) {
                0 => self.access(scope),
                1 => self.resource(scope),
                _ => self.expr(Sort::Any, 1, scope),
            };
            text.push_str(&format!("\n{pad}  at {at}"));
        }
        text.push('\n');
        text
    }

    fn block(&mut self, scope: &mut Vec<Var>, depth: usize, indent: usize) -> String {
        let pad = "  ".repeat(indent);
        let before = scope.len();
        let mut text = String::new();
        for _ in 0..1 + self.c.below(4) {
            match self.c.below(9) {
                0..=2 => text.push_str(&self.check(scope, &pad)),
                3 => {
                    let sort =
                        [Sort::Any, Sort::Num, Sort::Str, Sort::List, Sort::Bool][self.c.below(5)];
                    let e_depth = self.c.below(3);
                    let value = self.expr(sort, e_depth, scope);
                    let name = self.fresh("_v");
                    text.push_str(&format!("{pad}let {name} = {value}\n"));
                    scope.push(Var { name, sort });
                }
                4 => {
                    let e_depth = self.c.below(3);
                    let condition = self.expr(Sort::Bool, e_depth, scope);
                    text.push_str(&format!("{pad}when {condition}\n"));
                }
                5 if depth > 0 => {
                    let e_depth = self.c.below(3);
                    let condition = self.expr(Sort::Bool, e_depth, scope);
                    text.push_str(&format!("{pad}if {condition} {{\n"));
                    text.push_str(&self.block(scope, depth - 1, indent + 1));
                    while self.c.one_in(3) {
                        let condition = self.expr(Sort::Bool, e_depth, scope);
                        text.push_str(&format!("{pad}}} else if {condition} {{\n"));
                        text.push_str(&self.block(scope, depth - 1, indent + 1));
                    }
                    if self.c.below(2) == 1 {
                        text.push_str(&format!("{pad}}} else {{\n"));
                        text.push_str(&self.block(scope, depth - 1, indent + 1));
                    }
                    text.push_str(&format!("{pad}}}\n"));
                }
                _ if depth > 0 => {
                    let (source, sort) = match self.c.below(3) {
                        0 => (self.access(scope), Sort::Any),
                        1 => (self.expr(Sort::List, 1, scope), Sort::Any),
                        _ => (self.expr(Sort::Resources, 1, scope), Sort::Res),
                    };
                    let name = self.fresh("_x");
                    text.push_str(&format!("{pad}for {name} in {source} {{\n"));
                    scope.push(Var { name, sort });
                    text.push_str(&self.block(scope, depth - 1, indent + 1));
                    scope.pop();
                    text.push_str(&format!("{pad}}}\n"));
                }
                _ => text.push_str(&self.check(scope, &pad)),
            }
        }
        scope.truncate(before);
        text
    }

    fn rule(&mut self, index: usize) -> String {
        if self.c.one_in(4) {
            return self.input_rule(index);
        }
        let severity = self.c.pick(&["high", "low", "critical", "medium", "info"]);
        let mut types = vec![format!("\"{}\"", self.c.pick(TYPE_PATTERNS))];
        if self.c.one_in(3) {
            types.push(format!("\"{}\"", self.c.pick(TYPE_PATTERNS)));
        }
        let mut scope = vec![Var {
            name: "r".to_string(),
            sort: Sort::Res,
        }];
        let guard = if self.c.one_in(3) {
            let depth = self.c.below(3);
            format!(" when {}", self.expr(Sort::Bool, depth, &mut scope))
        } else {
            String::new()
        };
        let body = self.block(&mut scope, 2, 1);
        format!(
            "\n@id(\"D{index}\") @severity({severity})\nrule rule_{index} for r in resources({}){guard} {{\n{body}}}\n",
            types.join(", ")
        )
    }
}

impl PolicyGen<'_> {
    /// A rule without a `for` clause: its body runs once per input, with `r`
    /// bound by a `let` to one resource (or `null`), or by a `for` over
    /// resources, so that every check of a resource rule fits in it.
    fn input_rule(&mut self, index: usize) -> String {
        let severity = self.c.pick(&["high", "low", "critical", "medium", "info"]);
        let types = format!("\"{}\"", self.c.pick(TYPE_PATTERNS));
        let mut scope = vec![Var {
            name: "r".to_string(),
            sort: Sort::Res,
        }];
        let body = if self.c.below(2) == 0 {
            let block = self.block(&mut scope, 2, 1);
            format!("  let r = first(resources({types}))\n{block}")
        } else {
            let block = self.block(&mut scope, 2, 2);
            let filter = self.condition(1, &mut scope);
            let limit = self.c.pick(&["0", "1", "2"]);
            format!(
                "  for r in resources({types}) {{\n{block}  }}\n  let _sel = [r for r in resources({types}) if {filter}]\n  require count(_sel) <= {limit}\n    at first(_sel)\n"
            )
        };
        format!("\n@id(\"D{index}\") @severity({severity})\nrule rule_{index} {{\n{body}}}\n")
    }
}

/// A policy from a stream of choices: the helper functions and one to three
/// rules.
fn policy(choices: &[u16]) -> String {
    let mut generator = PolicyGen {
        c: Choices::new(choices),
        names: 0,
    };
    let mut text = FUNCTIONS.to_string();
    for index in 0..1 + generator.c.below(3) {
        text.push_str(&generator.rule(index));
    }
    text
}

// ---------------------------------------------------------------------------
// Templates

const STRINGS: &[&str] = &[
    "abc",
    "ABC",
    "true",
    "True",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.2.3",
    "::/0",
    "2001:db8::/32",
    "",
    "prod-web",
    "h\u{e9}llo \"q\"",
    "AES256",
    "aws:kms",
    "-1",
    "tcp",
    "tab\there",
    "back\\slash",
    "line\nbreak",
    "ctl\u{1}",
    "Été",
    "::ffff:10.0.0.1",
    "10.0.0.0/33",
    "256.0.0.0/8",
    "arn:aws:iam::123456789012:role/path/x",
    "arn:aws:s3:::bucket/*",
    "arn:aws",
    "iam:PassRole",
    "s3:Get*",
    "*",
    "a,b,,c",
];

const NUMERIC_STRINGS: &[&str] = &[
    "22",
    "-1",
    "0.5",
    "90",
    "91",
    " 22",
    "1e3",
    "007",
    "-0",
    "+22",
    "22.0",
    "1.0000000000000002",
    "12345678901234567890",
    "0.1234567890123456789",
];

/// The first four are the common ones; the others test the rendering of
/// numbers (rounding to six decimals, signs of zero, large magnitudes).
const NUMBERS: &[f64] = &[
    0.0,
    22.0,
    -1.0,
    90.0,
    91.0,
    443.0,
    2.5,
    0.1,
    1e21,
    -0.0,
    9007199254740993.0,
    1e-7,
    -1e-7,
    0.0000005,
    0.0000015,
    0.9999995,
    123.4567895,
    1.5e300,
    4503599627370497.5,
    -2.000_000_4,
];

struct TemplateGen<'a> {
    c: Choices<'a>,
    resources: usize,
}

impl TemplateGen<'_> {
    fn other(&mut self) -> String {
        format!("R{}", self.c.below(self.resources))
    }

    fn value(&mut self, depth: usize) -> Json {
        let kinds = if depth == 0 { 12 } else { 15 };
        match self.c.below(kinds) {
            0 => json!(NUMBERS[self.c.below(4)]),
            1 => json!(self.c.pick(STRINGS)),
            2 => json!(self.c.below(2) == 0),
            3 => Json::Null,
            4 => json!(self.c.pick(NUMERIC_STRINGS)),
            5 => json!(NUMBERS[self.c.below(NUMBERS.len())]),
            6 => json!({ "Ref": self.other() }),
            7 => json!({ "Ref": "Open" }),
            8 => json!({ "Ref": self.c.pick(&["Port", "Cidrs", "AWS::Region", "Hidden"]) }),
            9 => json!({ "Fn::GetAtt": [self.other(), "Arn"] }),
            10 => {
                let text = match self.c.below(3) {
                    0 => format!("arn:${{{}}}", self.other()),
                    1 => "${Open}-x".to_string(),
                    _ => "plain-${Port}".to_string(),
                };
                json!({ "Fn::Sub": text })
            }
            11 => match self.c.below(5) {
                0 => json!({ "Fn::If": ["IsOpen", self.c.pick(STRINGS), self.c.pick(STRINGS)] }),
                1 => json!({ "Fn::Join": ["-", ["a", { "Ref": "Open" }]] }),
                2 => json!({ "Fn::Select": [self.c.below(3), { "Ref": "Cidrs" }] }),
                3 => json!({ "Fn::Split": [",", "a,b,,c"] }),
                _ => {
                    json!({ "Fn::If": ["IsOpen", self.c.pick(STRINGS), { "Ref": "AWS::NoValue" }] })
                }
            },
            12 | 13 => {
                let items: Vec<Json> = (0..self.c.below(4))
                    .map(|_| self.value(depth - 1))
                    .collect();
                Json::Array(items)
            }
            _ => self.object(depth - 1),
        }
    }

    fn object(&mut self, depth: usize) -> Json {
        let mut map = Map::new();
        for _ in 0..self.c.below(7) {
            let key = self.c.pick(TEMPLATE_KEYS);
            let value = self.value(depth);
            map.insert(key.to_string(), value);
        }
        Json::Object(map)
    }

    fn resource(&mut self, index: usize) -> Json {
        let mut resource = Map::new();
        let resource_type = self.c.pick(RESOURCE_TYPES);
        resource.insert("Type".to_string(), json!(resource_type));
        if !self.c.one_in(5) {
            let mut properties = match self.object(2) {
                Json::Object(map) => map,
                _ => Map::new(),
            };
            if self.c.one_in(3) {
                let tags: Vec<Json> = (0..1 + self.c.below(2))
                    .map(|i| json!({ "Key": TAG_KEYS[i], "Value": self.value(0) }))
                    .collect();
                properties.insert("Tags".to_string(), Json::Array(tags));
            }
            if self.c.one_in(2) {
                // A value the template cannot determine, under a key the
                // policies read.
                properties.insert("Open".to_string(), json!({ "Ref": "Open" }));
            }
            if self.c.one_in(3) {
                // Rotation schedules refer to secrets as the policies expect.
                properties.insert("SecretId".to_string(), json!({ "Ref": self.other() }));
            }
            if self.c.one_in(4) {
                // A reference further down, inside a list.
                properties.insert(
                    "Nested".to_string(),
                    json!([
                        { "Key": { "Ref": self.other() } },
                        { "Fn::GetAtt": [self.other(), "Arn"] },
                    ]),
                );
            }
            if self.c.one_in(3) {
                // Text with unknown parts: known at the start, the end, or
                // neither.
                let text =
                    self.c
                        .pick(&["arn:aws:${Open}:x", "${Open}-logs", "a${Open}", "${Open}"]);
                let value = if self.c.one_in(2) {
                    json!({ "Fn::Sub": text })
                } else {
                    json!({ "Fn::Join": ["", ["arn:", { "Ref": "Open" }, self.value(0)]] })
                };
                properties.insert("Text".to_string(), value);
            }
            if self.c.one_in(4) {
                // A value that depends on a condition the template leaves
                // open: judged once per way it can turn out.
                let (yes, no) = (self.value(0), self.value(0));
                properties.insert(
                    "Choice".to_string(),
                    json!({ "Fn::If": ["IsOpen", yes, no] }),
                );
            }
            resource.insert("Properties".to_string(), Json::Object(properties));
        }
        if self.c.one_in(4) {
            let other = self.other();
            if other != format!("R{index}") {
                resource.insert("DependsOn".to_string(), json!([other]));
            }
        }
        if self.c.one_in(6) {
            // Created only under a condition: never, always, or open.
            let condition = self.c.pick(&["IsOpen", "Never", "Always"]);
            resource.insert("Condition".to_string(), json!(condition));
        }
        Json::Object(resource)
    }
}

/// The same resources as AWS Config configuration items: `configuration`
/// for the properties, tags as an object or a list of `key`/`value`,
/// `DependsOn` as relationships. Intrinsic functions stay plain objects.
fn as_config_items(template: &Json, c: &mut Choices) -> Json {
    let mut items = Vec::new();
    let resources = template["Resources"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (id, resource) in resources {
        let mut configuration = resource["Properties"].as_object().cloned();
        let tags = configuration
            .as_mut()
            .and_then(|properties| properties.remove("Tags"))
            .and_then(|tags| tags.as_array().cloned());
        let mut item = Map::new();
        item.insert("resourceType".to_string(), resource["Type"].clone());
        item.insert("resourceId".to_string(), json!(id));
        item.insert("awsRegion".to_string(), json!("eu-west-1"));
        if let Some(configuration) = configuration {
            item.insert("configuration".to_string(), Json::Object(configuration));
        }
        if let Some(tags) = tags {
            let tags = if c.below(2) == 0 {
                let entries: Map<String, Json> = tags
                    .iter()
                    .map(|tag| {
                        (
                            tag["Key"].as_str().unwrap_or_default().to_string(),
                            tag["Value"].clone(),
                        )
                    })
                    .collect();
                Json::Object(entries)
            } else {
                let list: Vec<Json> = tags
                    .iter()
                    .map(|tag| json!({ "key": tag["Key"], "value": tag["Value"] }))
                    .collect();
                Json::Array(list)
            };
            item.insert("tags".to_string(), tags);
        }
        if let Some(other) = resource["DependsOn"][0].as_str() {
            let other_type = template["Resources"][other]["Type"].clone();
            item.insert(
                "relationships".to_string(),
                json!([{ "resourceType": other_type, "resourceId": other, "relationshipName": "Is attached to" }]),
            );
        }
        items.push(Json::Object(item));
    }
    json!({ "configurationItems": items })
}

/// A CloudFormation template from a stream of choices: up to seven
/// resources (sometimes many more), parameters with and without defaults, a
/// condition that the template cannot decide. One time in four the same
/// resources come as AWS Config items instead. Returns the file name and
/// the text.
fn template(choices: &[u16]) -> (&'static str, String) {
    let mut generator = TemplateGen {
        c: Choices::new(choices),
        resources: 0,
    };
    generator.resources = if generator.c.one_in(10) {
        20 + generator.c.below(30)
    } else {
        generator.c.below(8)
    };
    let mut resources = Map::new();
    for index in 0..generator.resources {
        let resource = generator.resource(index);
        resources.insert(format!("R{index}"), resource);
    }
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Open": { "Type": "String", "NoEcho": "true", "MinLength": 1, "Description": "x y" },
            "Hidden": { "Type": "String", "NoEcho": true },
            "Port": { "Type": "Number", "Default": 22 },
            "Cidrs": { "Type": "CommaDelimitedList", "Default": "10.0.0.0/8,0.0.0.0/0" },
        },
        "Conditions": {
            "IsOpen": { "Fn::Equals": [{ "Ref": "Open" }, "open"] },
            "Never": { "Fn::Equals": ["a", "b"] },
            "Always": { "Fn::Not": [{ "Condition": "Never" }] },
        },
        "Resources": resources,
    });
    if generator.c.one_in(4) && generator.resources > 0 {
        let items = as_config_items(&template, &mut generator.c);
        (
            "inventory.json",
            serde_json::to_string_pretty(&items).expect("serialises"),
        )
    } else {
        (
            "template.json",
            serde_json::to_string_pretty(&template).expect("serialises"),
        )
    }
}

// ---------------------------------------------------------------------------
// Both engines

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(EngineConfig {
            pooling: false,
            memory_limit: 256 << 20,
            cache: ModuleCache::Disabled,
            ..EngineConfig::default()
        })
        .expect("engine")
    })
}

/// The diagnostics of a source, rendered one per line; empty when clean.
/// The generated policies read made-up property names (`r.props.Port`) on
/// purpose, so the resource schema warnings do not count.
fn diagnostics(compiler: &Compiler) -> Vec<String> {
    compiler
        .diagnostics()
        .iter()
        .filter(|d| !matches!(d.code.as_str(), "W0601" | "W0602"))
        .map(|d| format!("{} {}: {}", d.file, d.code, d.message))
        .collect()
}

/// What both engines reported, for the statistics.
#[derive(Default)]
struct Agreement {
    outcomes: BTreeMap<&'static str, usize>,
    findings: usize,
    located: usize,
    rules: usize,
}

/// A report as lines, one per outcome and finding with every field, then
/// the summary: what a difference is shown as.
fn report_lines(report: &Report, document: &Document) -> Vec<String> {
    let resource_id = |index: Option<usize>| {
        index
            .and_then(|index| document.resources.get(index))
            .map_or("<none>", |r| r.id.as_str())
    };
    let outcomes = report.outcomes.iter().map(|o| {
        format!(
            "outcome {} {} {}",
            o.rule,
            resource_id(o.resource),
            o.outcome.as_str()
        )
    });
    let findings = report.findings.iter().map(|f| {
        format!(
            "finding {} {} {} {} [{}] {} {}:{}:{} {:?}",
            f.rule,
            f.outcome.as_str(),
            f.resource,
            f.resource_type,
            f.severity.as_str(),
            f.path,
            f.file,
            f.line,
            f.column,
            f.message
        )
    });
    let errors = report
        .errors
        .iter()
        .map(|e| format!("error {} {:?} {}", e.rule, e.kind, e.message));
    outcomes
        .chain(findings)
        .chain(errors)
        .chain(std::iter::once(format!("summary {:?}", report.summary)))
        .collect()
}

/// The report without the outcomes, findings and errors of `stopped`
/// rules, recounted.
fn without_rules(report: &Report, stopped: &BTreeSet<String>) -> Report {
    let mut kept = Report {
        findings: report
            .findings
            .iter()
            .filter(|f| !stopped.contains(&*f.rule))
            .cloned()
            .collect(),
        summary: report.summary.clone(),
        errors: Vec::new(),
        outcomes: report
            .outcomes
            .iter()
            .filter(|o| !stopped.contains(&*o.rule))
            .cloned()
            .collect(),
    };
    kept.recount();
    kept
}

/// Compiles `source`, evaluates it on `input` with both engines and
/// describes the first difference.
fn compare(source: &str, file: &str, input: &str) -> Result<Agreement, String> {
    compare_with_params(source, file, input, &[])
}

/// [`compare`] with policy parameters set in both engines.
fn compare_with_params(
    source: &str,
    file: &str,
    input: &str,
    params: &[(String, Json)],
) -> Result<Agreement, String> {
    let mut compiler = Compiler::default();
    compiler.set_file("policy.ward", source.to_string());
    let problems = diagnostics(&compiler);
    if !problems.is_empty() {
        return Err(format!("the policy has diagnostics: {problems:?}"));
    }
    let program = ward_compiler::ir::program(&compiler.db, compiler.workspace)
        .ok_or("the policy has no program")?;
    let document = ward_model::load(file, input.as_bytes(), &Default::default())
        .map_err(|error| format!("the input does not load: {error:?}"))?;

    let mut evaluator = ward_eval::Evaluator::new(&program);
    evaluator
        .set_params(params)
        .map_err(|error| format!("the reference evaluator refuses the parameters: {error}"))?;
    let reference_report = evaluator.evaluate(
        &document,
        &Limits {
            max_steps: 20_000_000,
        },
    );
    let wasm = ward_codegen::compile(&program)
        .map_err(|error| format!("code generation failed: {error:?}"))?;
    let mut policy = Policy::load(engine(), &wasm)
        .map_err(|error| format!("the module does not load: {error}"))?;
    policy
        .set_params(params)
        .map_err(|error| format!("the module refuses the parameters: {error}"))?;
    let input = Input::new(document);
    let module_report = policy.evaluate(&input);
    let document = input.document();

    let reference_ids: Vec<&str> = program.rules.iter().map(|r| r.info.id.as_str()).collect();
    let module_ids: Vec<&str> = policy.rules().iter().map(|r| r.id.as_str()).collect();
    if reference_ids != module_ids {
        return Err(format!(
            "rules differ: reference {reference_ids:?}, module {module_ids:?}"
        ));
    }

    // A rule stopped by the evaluator's step budget or the module's fuel
    // must stop in both engines; the two budgets are not the same measure,
    // so what such a rule did before it stopped is not compared.
    let stopped = |report: &Report| -> BTreeSet<String> {
        report.errors.iter().map(|e| e.rule.clone()).collect()
    };
    let stopped_in_reference = stopped(&reference_report);
    if stopped_in_reference != stopped(&module_report) {
        let errors: Vec<&str> = reference_report
            .errors
            .iter()
            .chain(&module_report.errors)
            .map(|e| e.message.as_str())
            .collect();
        return Err(format!("a rule stopped in one engine only: {errors:?}"));
    }
    let (reference, module) = if stopped_in_reference.is_empty() {
        (reference_report, module_report)
    } else {
        (
            without_rules(&reference_report, &stopped_in_reference),
            without_rules(&module_report, &stopped_in_reference),
        )
    };
    if reference != module {
        let reference_lines = report_lines(&reference, document);
        let module_lines = report_lines(&module, document);
        let first = reference_lines
            .iter()
            .zip(&module_lines)
            .position(|(a, b)| a != b)
            .unwrap_or(reference_lines.len().min(module_lines.len()));
        return Err(format!(
            "the reports differ at line {first}\nreference: {:?}\nmodule:    {:?}\nreference report: {reference_lines:#?}\nmodule report: {module_lines:#?}",
            reference_lines.get(first),
            module_lines.get(first),
        ));
    }

    let mut agreement = Agreement {
        rules: reference_ids.len() - stopped_in_reference.len(),
        findings: reference.findings.len(),
        ..Agreement::default()
    };
    for outcome in &reference.outcomes {
        *agreement
            .outcomes
            .entry(outcome.outcome.as_str())
            .or_default() += 1;
    }
    agreement.located = reference
        .findings
        .iter()
        .filter(|f| {
            // Located at a value rather than at the resource itself.
            let path = f.path.as_str();
            path != "$"
                && (!path.starts_with("$.Resources.")
                    || path.contains('[')
                    || path.matches('.').count() > 2)
        })
        .count();
    Ok(agreement)
}

// ---------------------------------------------------------------------------
// The tests

fn settings() -> (u32, u64) {
    std::env::var("WARD_DIFFERENTIAL")
        .ok()
        .and_then(|text| {
            let (cases, seed) = text.split_once(':')?;
            Some((cases.parse().ok()?, seed.parse().ok()?))
        })
        .unwrap_or((160, 0x5eed_d1ff))
}

#[test]
fn generated_policies_agree() {
    let (cases, seed) = settings();
    let mut runner = TestRunner::new(Config {
        cases,
        max_global_rejects: cases * 20,
        max_shrink_iters: 4096,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    });
    let strategy = (
        vec(any::<u16>(), 0..600),
        vec(any::<u16>(), 0..400),
        vec(any::<u16>(), 0..8),
    );
    let totals = RefCell::new((Agreement::default(), 0usize, Vec::<String>::new()));
    let result = runner.run(&strategy, |(policy_choices, input_choices, param_choices)| {
        let source = policy(&policy_choices);
        let mut compiler = Compiler::default();
        compiler.set_file("policy.ward", source.clone());
        let problems = diagnostics(&compiler);
        if !problems.is_empty() {
            let mut totals = totals.borrow_mut();
            totals.1 += 1;
            if totals.2.len() < 5 {
                totals.2.push(format!("{}\n{source}", problems.join("\n")));
            }
            return Err(TestCaseError::reject("the policy has diagnostics"));
        }
        let (file, input) = template(&input_choices);
        let params = param_values(&param_choices);
        match compare_with_params(&source, file, &input, &params) {
            Ok(agreement) => {
                let mut totals = totals.borrow_mut();
                let sum = &mut totals.0;
                sum.rules += agreement.rules;
                sum.findings += agreement.findings;
                sum.located += agreement.located;
                for (word, count) in agreement.outcomes {
                    *sum.outcomes.entry(word).or_default() += count;
                }
                Ok(())
            }
            Err(difference) => Err(TestCaseError::fail(format!(
                "{difference}\n--- parameters {params:?}\n--- policy.ward\n{source}\n--- {file}\n{input}\n"
            ))),
        }
    });
    let (sum, rejected, examples) = totals.into_inner();
    eprintln!(
        "{} rules agreed: outcomes {:?}, {} findings ({} located at a value); {rejected} policies rejected",
        sum.rules, sum.outcomes, sum.findings, sum.located
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, _)) => panic!("the engines disagree (minimised):\n{reason}"),
        Err(TestError::Abort(reason)) => panic!(
            "aborted: {reason}; some rejected policies:\n{}",
            examples.join("\n----\n")
        ),
    }
    // The generator must reach every outcome, findings with locations, and
    // mostly produce policies the checker accepts.
    for word in ["pass", "fail", "skip", "unknown"] {
        assert!(
            sum.outcomes.get(word).copied().unwrap_or(0) > 0,
            "no `{word}` outcome was generated: {:?}",
            sum.outcomes
        );
    }
    assert!(sum.located > 0, "no finding was located at a value");
    assert!(
        rejected < cases as usize,
        "{rejected} policies rejected for {cases} cases:\n{}",
        examples.join("\n----\n")
    );
}

fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}

/// Runs every case of `tests/regressions/`: `<name>.ward` beside its input
/// `<name>.json` or `<name>.yaml`. The header comment of the `.ward` file
/// says what went wrong and lists the outcomes both engines must give, one
/// `// expect: <rule id> <resource id> <outcome>` line each.
#[test]
fn regressions_agree() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(regressions_dir())
        .expect("tests/regressions exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no regression cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(case).unwrap();
        let input_path = ["json", "yaml"]
            .iter()
            .map(|ext| case.with_extension(ext))
            .find(|path| path.exists())
            .unwrap_or_else(|| panic!("{name}: no input `{name}.json` or `{name}.yaml`"));
        let input = std::fs::read_to_string(&input_path).unwrap();
        let file = input_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let expected: Vec<String> = source
            .lines()
            .take_while(|line| line.starts_with("//"))
            .filter_map(|line| line.strip_prefix("// expect:"))
            .map(|rest| rest.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert!(
            source.starts_with("//") && !expected.is_empty(),
            "{name}: the header comment must describe the case and list `// expect:` lines"
        );
        if let Err(difference) = compare(&source, &file, &input) {
            failures.push(format!("{name}: {difference}"));
            continue;
        }
        // Both engines agree; check what they agree on.
        let mut compiler = Compiler::default();
        compiler.set_file("policy.ward", source.clone());
        let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).unwrap();
        let document = ward_model::load(&file, input.as_bytes(), &Default::default()).unwrap();
        let report = ward_eval::evaluate(&program, &document, &Limits::default());
        let actual: Vec<String> = report
            .outcomes
            .iter()
            .map(|outcome| {
                let resource = outcome
                    .resource
                    .and_then(|index| document.resources.get(index))
                    .map_or("", |r| r.id.as_str());
                format!("{} {resource} {}", outcome.rule, outcome.outcome.as_str())
            })
            .collect();
        for line in &expected {
            if !actual.contains(line) {
                failures.push(format!(
                    "{name}: expected `{line}`, the engines report {actual:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    eprintln!("{} regression cases agree", cases.len());
}
