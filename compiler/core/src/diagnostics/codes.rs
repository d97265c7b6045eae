//! The registry of diagnostic codes: each code's level, title and an
//! explanation with an example. `docs/errors.md` is generated from this table
//! and a test keeps it fresh; every code has a snapshot test under
//! `compiler/core/tests/diagnostics/`.

use serde::{Serialize, Serializer};
use std::fmt;

use super::Level;

macro_rules! codes {
    ($( $variant:ident = $code:literal, $level:ident, $title:literal, $explanation:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written, e.g. `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The default level.
            pub fn level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// A short title.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The explanation with an example, in Markdown.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }
        }
    };
}

codes! {
    UnexpectedToken = "E0001", Error, "unexpected token",
        "A token stands where the grammar does not allow it.\n\n```ward\nrule r for x in resources(\"AWS::S3::Bucket\") {\n  require x.props.BucketName ==\n}\n```\n\nThe comparison lacks its right-hand side. The parser recovers at the next statement or item, so every syntax error of a file is reported at once.";
    UnexpectedEof = "E0002", Error, "unexpected end of file",
        "The file ends inside a rule, function, test or expression, usually because a `}` or `)` is missing.";
    InvalidCharacter = "E0003", Error, "invalid character",
        "A character that starts no token, such as `$` or `#` outside a string.";
    UnterminatedString = "E0004", Error, "unterminated string",
        "A string literal must end with `\"` on the same line; write `\\n` for a line break.\n\n```ward\nrequire x.props.Name == \"logs\n```";
    InvalidEscape = "E0005", Error, "unknown escape sequence",
        "Strings know the escapes `\\n`, `\\t`, `\\r`, `\\0`, `\\\"`, `\\\\`, `\\{` and `\\}`. Regular expressions read better as raw strings: `r\"^arn:aws:\\S+$\"`.";
    BadInterpolation = "E0006", Error, "malformed interpolation",
        "`{` in a string starts an interpolation that ends at the matching `}` and holds an expression: `\"{sg} is open\"`. Write `\\{` for a literal brace.";
    NestingTooDeep = "E0007", Error, "nesting too deep",
        "Statements and expressions may nest at most 128 levels deep, so that no input can exhaust the compiler's stack. Such depth comes from generated code such as a chain of hundreds of `or`: split it into `let` bindings or functions, or test membership with `in`.\n\n```ward\nrequire p == 1 or p == 2 or p == 3 // ... and 200 more\nrequire p in [1, 2, 3]\n```";
    UndefinedName = "E0101", Error, "undefined name",
        "A name that is neither a `let` binding, a parameter, a loop or rule variable in scope, nor an imported package.\n\n```ward\nrule r for b in resources(\"AWS::S3::Bucket\") {\n  require bucket.props.BucketName != null\n}\n```\n\nHere the rule variable is `b`, not `bucket`.";
    UnknownFunction = "E0102", Error, "unknown function",
        "A call to a function that is neither a builtin nor defined in the package or an imported one.\n\n```ward\nrequire cout(xs) > 0\n```\n\nThe help line suggests the closest name (`count`).";
    UnknownPackage = "E0103", Error, "unknown package",
        "An `import` names a package that no file declares.";
    DuplicateDefinition = "E0104", Error, "duplicate definition",
        "Two rules, two functions or two tests of one package have the same name, or a function shadows a builtin.";
    DuplicateRuleId = "E0105", Error, "duplicate rule id",
        "Two rules carry the same `@id`. Rule ids name findings in reports, baselines and suppressions, so they must be unique across everything compiled together.";
    RecursiveFunction = "E0106", Error, "recursive function",
        "A function calls itself, directly or through others. Ward functions are not recursive, so every policy terminates; iterate with `for` or a quantifier instead.";
    NotCallable = "E0107", Error, "not callable",
        "Only functions can be called: `name(...)` or `package.name(...)`.\n\n```ward\nrequire x.props.Tags(0)\n```";
    UnknownMember = "E0108", Error, "unknown package member",
        "`alias.name(...)` calls a function of an imported package that does not define it.";
    WrongArity = "E0201", Error, "wrong number of arguments",
        "A function is called with more or fewer arguments than it takes.\n\n```ward\nrequire starts_with(x.props.Name)\n```";
    MismatchedComparison = "E0202", Error, "comparison between different types",
        "A comparison whose sides can never be equal or ordered, such as a string with a number. CloudFormation often writes numbers as strings: convert with `number(...)`.\n\n```ward\nrequire x.props.Port == \"22\" and 22 == \"22\"\n```";
    ArgumentType = "E0203", Error, "argument of the wrong type",
        "A builtin receives a value of a type it does not take, e.g. `resources(42)` or `refs(\"x\")`.";
    InvalidRegex = "E0204", Error, "invalid regular expression",
        "The right side of `matches` must be a regular expression that compiles to a finite automaton: no look-around and no back-references. Patterns are compiled ahead of time into the module. The pattern of `capture` is a string literal too, and of the assertions it supports only `^` and `$` (no `\\b`).";
    NotResources = "E0205", Error, "rule source is not a list of resources",
        "A rule iterates over resources: `rule r for b in resources(\"AWS::S3::Bucket\")`, or over `refs(...)`/`referrers(...)` of another resource.";
    NotBoolean = "E0206", Error, "condition is not a boolean",
        "`require`, `deny`, `when`, quantifier bodies and `and`/`or`/`not` take booleans; a string, number, list or object literal there is a mistake.";
    NotIterable = "E0207", Error, "value is not a list",
        "`for` and the quantifiers iterate over lists; a literal string, number or boolean cannot be iterated. Use `as_list(...)` for a property that is one value or a list.";
    BadOperand = "E0208", Error, "operator does not apply",
        "Arithmetic takes numbers (and `+` also strings), ordering comparisons take two numbers or two strings, `matches` takes a string on the left.";
    NamedArgument = "E0220", Error, "misplaced named argument",
        "A named argument (`via: \"Bucket\"`) names a parameter of the builtin it is given to, once, after the positional arguments. Functions of policies take their arguments in order.\n\n```ward\nlet policies = referrers(bucket, via: \"Bucket\", \"AWS::S3::BucketPolicy\")\n```";
    UnknownAttribute = "W0301", Warning, "unknown attribute",
        "Rules know the attributes `@id`, `@severity`, `@controls`, `@title` and `@tags`. An unknown attribute is ignored.";
    InvalidSeverity = "E0302", Error, "invalid severity",
        "`@severity` takes one of `critical`, `high`, `medium`, `low`, `info`.";
    BadAttributeArguments = "E0303", Error, "invalid attribute arguments",
        "`@id(\"NET-001\")` and `@title(\"...\")` take one string, `@controls(...)` and `@tags(...)` one or more strings, `@severity(high)` one level.";
    MissingSeverity = "W0304", Warning, "rule without severity",
        "A rule without `@severity` reports its findings as `medium`. State the severity so that `--fail-on` thresholds mean what you intend.";
    MissingId = "W0305", Warning, "rule without id",
        "A rule without `@id` is reported under its package-qualified name. An id (`@id(\"NET-001\")`) stays stable when the rule is renamed or moved.";
    UnknownRule = "E0401", Error, "unknown rule in test",
        "`expect` names a rule that the test's package (and its imports) does not define.";
    UnknownOutcome = "E0402", Error, "unknown outcome",
        "`expect` takes one of the outcomes `pass`, `fail`, `skip`, `unknown`.";
    BadTestInput = "E0403", Error, "invalid test input",
        "A test needs exactly one `input`: a constant (literals, lists and objects only: no names, calls or operators), the text of an input file (`input r\"...\"`), or a file (`input file(\"fixtures/app.yaml\")`, relative to the test's file).";
    UnknownParamType = "E0701", Error, "unknown parameter type",
        "A policy parameter is declared with one of the types `bool`, `number`, `string`, `object`, `list` or `list<T>` (a list whose elements all have type `T`).\n\n```ward\nparam required_tags: strings = [\"owner\"]\n```\n\nWrite `list<string>`.";
    ParamTypeMismatch = "E0702", Error, "parameter value of the wrong type",
        "A parameter's default, or the value a test gives it with `param name = value`, must be a constant of the declared type.\n\n```ward\nparam max_rotation_days: number = \"90\"\n```\n\nThe default is a string; write `90`. Values given at run time (`ward check --param`, `--params`) are checked the same way and refused with exit code 2.";
    UnknownParam = "E0703", Error, "unknown parameter",
        "A test sets a parameter with `param name = value` (or `param alias.name = value` for a parameter of an imported package) that the package does not declare.";
    UnusedBinding = "W0501", Warning, "unused binding",
        "A `let` binding that nothing reads. Remove it or prefix its name with `_`.";
    ShadowedBuiltin = "W0502", Warning, "name shadows a builtin",
        "A `let`, parameter or loop variable named like a builtin function hides nothing at run time (calls still reach the builtin) but reads confusingly.";
    UnknownResourceProperty = "W0601", Warning, "unknown resource property", "A property that the CloudFormation schema of the resource's type does not define, usually a typo. The compiler checks `x.props.Name` where `x` is bound to `resources(\"AWS::...\")`, `refs(r, \"AWS::...\")` or `referrers(r, \"AWS::...\")` (by the rule, a `for` loop, a quantifier or a `let`) against the resource schemas in `compiler/core/data/`, and suggests the closest name.\n\n```ward\nrule r for sg in resources(\"AWS::EC2::SecurityGroup\") {\n  require count(sg.props.SecurityGroupIngres) == 0\n}\n```\n\nAn absent property is not an error at run time, so a misspelt one silently never matches. `ward build`, `ward check`, `ward test` and the editor report it alike.";
    UnknownResourceType = "W0602", Warning, "unknown resource type", "A resource type in `resources(...)`, `refs(...)` or `referrers(...)`, or the `Type` of a resource in a test input, that is written like a CloudFormation type (`Service::Product::Resource`, or a prefix ending in `*`) but is in none of the resource schemas in `compiler/core/data/`, e.g. `\"AWS::S3::Buckt\"`; the help names the closest type. Custom resources (`Custom::...`) and Terraform types are not checked. `ward build`, `ward check`, `ward test` and the editor report it alike.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The error index in Markdown, as committed in `docs/errors.md`.
pub fn error_index_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nGenerated from `compiler/core/src/diagnostics/codes.rs`; a test keeps this file fresh.\nCodes starting with `E` are errors, with `W` warnings.\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {} — {}\n\n{}\n",
            code.as_str(),
            code.title(),
            code.explanation()
        ));
    }
    out
}
