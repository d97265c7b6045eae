//! Constant literals of the syntax tree as JSON (the conversion lives in
//! the compiler, which also reads parameter defaults with it).

pub use ward_compiler::literal::{LiteralError, literal_to_json};

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(text: &str) -> String {
        // A parameter's default is any expression, so the conversion's
        // refusals show there (a test input parses only constants).
        let source = format!("param p: object = {text}");
        let parse = ward_syntax::parse(&source);
        assert!(parse.errors.is_empty(), "{:?}", parse.errors);
        let Some(ward_syntax::ast::Item::Param(param)) = parse.file.items.first() else {
            unreachable!("one parameter")
        };
        let value = &param.default;
        match literal_to_json(value) {
            Ok(json) => json.to_string(),
            Err(error) => format!("error: {}", error.message),
        }
    }

    #[test]
    fn constants_become_json() {
        assert_eq!(
            convert(r#"{ b: [1, -2, 2.5, "x", r"y\z", null, true], "a key": {} }"#),
            r#"{"b":[1,-2,2.5,"x","y\\z",null,true],"a key":{}}"#
        );
        assert_eq!(convert("{ a: 1, a: 2, b: 3 }"), r#"{"a":2,"b":3}"#);
        assert_eq!(
            convert("{ a: -x }"),
            "error: a test input must be a constant"
        );
        assert_eq!(convert("{ a: 1e999 }"), "error: this number is too large");
    }
}
