//! Pure helpers of the CloudFormation functions: number formatting, base64,
//! CIDR splitting and JSON rendering.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::model::{Node, Value};

/// Formats a number the way it reads in a template: integers without a
/// fractional part.
pub(crate) fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        format!("{number}")
    }
}

/// The string form of a scalar; `Err` with a reason for unknown values and
/// collections.
pub(crate) fn scalar_string(node: &Node) -> Result<String, String> {
    match &node.value {
        Value::String(text) => Ok(text.to_string()),
        Value::Number(number) => Ok(format_number(*number)),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null => Ok(String::new()),
        Value::Unknown(reason) => Err(reason.to_string()),
        Value::List(_) | Value::Object(_) => Err(format!(
            "expected a string, found {}",
            node.value.described()
        )),
    }
}

/// Standard base64 with padding.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol =
        |index: u32| char::from(ALPHABET.get((index & 63) as usize).copied().unwrap_or(b'='));
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let bytes = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let word = (u32::from(bytes[0]) << 16) | (u32::from(bytes[1]) << 8) | u32::from(bytes[2]);
        out.push(symbol(word >> 18));
        out.push(symbol(word >> 12));
        out.push(if chunk.len() > 1 {
            symbol(word >> 6)
        } else {
            '='
        });
        out.push(if chunk.len() > 2 { symbol(word) } else { '=' });
    }
    out
}

/// `Fn::Cidr`: splits `block` into `count` subnets with `bits` host bits.
pub(crate) fn cidr(block: &str, count: u64, bits: u32) -> Result<Vec<String>, String> {
    let (address, prefix) = block
        .split_once('/')
        .ok_or_else(|| format!("`{block}` is not a cidr block"))?;
    let prefix: u32 = prefix
        .parse()
        .map_err(|_| format!("`{block}` is not a cidr block"))?;
    if count == 0 || count > 256 {
        return Err("`Fn::Cidr` count must be between 1 and 256".to_string());
    }
    if let Ok(v4) = address.parse::<Ipv4Addr>() {
        split(
            u128::from(u32::from(v4)),
            32,
            prefix,
            count,
            bits,
            |value| {
                let address = Ipv4Addr::from(u32::try_from(value).unwrap_or(0));
                format!("{address}/{}", 32 - bits)
            },
        )
    } else if let Ok(v6) = address.parse::<Ipv6Addr>() {
        split(u128::from(v6), 128, prefix, count, bits, |value| {
            format!("{}/{}", Ipv6Addr::from(value), 128 - bits)
        })
    } else {
        Err(format!("`{block}` is not a cidr block"))
    }
}

fn split(
    base: u128,
    width: u32,
    prefix: u32,
    count: u64,
    bits: u32,
    format: impl Fn(u128) -> String,
) -> Result<Vec<String>, String> {
    if prefix > width || bits > width || width - bits < prefix {
        return Err(format!(
            "`Fn::Cidr` can not carve /{} subnets out of a /{prefix} block",
            width.saturating_sub(bits)
        ));
    }
    let available_bits = width - bits - prefix;
    if available_bits < 64 && count > (1u64 << available_bits) {
        return Err(format!(
            "`Fn::Cidr` can not fit {count} subnets of /{} in a /{prefix} block",
            width - bits
        ));
    }
    let network_mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix) >> (128 - width)
    };
    let network = base & network_mask;
    let step = if bits >= 128 { 0 } else { 1u128 << bits };
    Ok((0..u128::from(count))
        .map(|index| format(network.wrapping_add(index.wrapping_mul(step))))
        .collect())
}

/// Renders a fully known value as compact JSON; `Err` with the reason of
/// the first unknown part.
pub(crate) fn to_json_string(node: &Node) -> Result<String, String> {
    if let Some(reason) = node.first_unknown() {
        return Err(reason.to_string());
    }
    let mut out = String::new();
    write_json(&mut out, node);
    Ok(out)
}

fn write_json(out: &mut String, root: &Node) {
    enum Step<'a> {
        Value(&'a Node),
        Text(&'static str),
        Key(&'a str),
    }
    let mut pending = vec![Step::Value(root)];
    while let Some(step) = pending.pop() {
        match step {
            Step::Text(text) => out.push_str(text),
            Step::Key(key) => {
                write_string(out, key);
                out.push(':');
            }
            Step::Value(node) => match &node.value {
                Value::Null | Value::Unknown(_) => out.push_str("null"),
                Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
                Value::Number(number) => out.push_str(&format_number(*number)),
                Value::String(text) => write_string(out, text),
                Value::List(items) => {
                    out.push('[');
                    pending.push(Step::Text("]"));
                    for (index, item) in items.iter().enumerate().rev() {
                        pending.push(Step::Value(item));
                        if index > 0 {
                            pending.push(Step::Text(","));
                        }
                    }
                }
                Value::Object(entries) => {
                    out.push('{');
                    pending.push(Step::Text("}"));
                    for (index, (key, item)) in entries.iter().enumerate().rev() {
                        pending.push(Step::Value(item));
                        pending.push(Step::Key(key));
                        if index > 0 {
                            pending.push(Step::Text(","));
                        }
                    }
                }
            },
        }
    }
}

fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn cidr_splits_ipv4_and_ipv6() {
        assert_eq!(
            cidr("192.168.0.0/24", 6, 5).unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        assert_eq!(
            cidr("10.0.0.0/16", 2, 8).unwrap(),
            ["10.0.0.0/24", "10.0.1.0/24"]
        );
        assert_eq!(
            cidr("2001:db8::/56", 2, 64).unwrap(),
            ["2001:db8::/64", "2001:db8:0:1::/64"]
        );
        assert!(cidr("10.0.0.0/24", 3, 7).is_err());
        assert!(cidr("nonsense", 1, 8).is_err());
    }

    #[test]
    fn numbers_format_like_templates() {
        assert_eq!(format_number(90.0), "90");
        assert_eq!(format_number(-1.5), "-1.5");
    }
}
