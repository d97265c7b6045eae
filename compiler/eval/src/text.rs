//! Numbers as text, text as numbers, and network addresses.
//!
//! These are reference definitions: the code generator implements the same
//! algorithms with the same floating-point operations in the same order, so
//! both backends print and parse identically. `docs/semantics.md` states
//! them.

use ward_compiler::numbers::EXACT_INTEGER_LIMIT;

/// Renders a number as `string(...)` does.
///
/// - `NaN`, `inf`, `-inf` for the non-finite values.
/// - An integer below 2^53 in magnitude: its decimal digits (`-0` is `0`).
/// - Any other number below 2^53: the integer part, then up to six
///   fractional digits rounded half to even, trailing zeros removed.
/// - From 2^53 up: divided by ten until below ten, rendered as above,
///   followed by `e` and the number of divisions.
pub fn render_number(number: f64, out: &mut String) {
    if number.is_nan() {
        out.push_str("NaN");
        return;
    }
    if number.is_infinite() {
        out.push_str(if number > 0.0 { "inf" } else { "-inf" });
        return;
    }
    let magnitude = number.abs();
    if magnitude < EXACT_INTEGER_LIMIT {
        render_fixed(number < 0.0, magnitude, out);
        return;
    }
    let mut mantissa = magnitude;
    let mut exponent = 0u32;
    while mantissa >= 10.0 {
        mantissa /= 10.0;
        exponent += 1;
    }
    render_fixed(number < 0.0, mantissa, out);
    out.push('e');
    out.push_str(&exponent.to_string());
}

/// `magnitude` is finite, non-negative and below 2^53.
fn render_fixed(negative: bool, magnitude: f64, out: &mut String) {
    let mut integer = magnitude.trunc();
    let mut fraction = ((magnitude - integer) * 1_000_000.0).round_ties_even();
    if fraction >= 1_000_000.0 {
        integer += 1.0;
        fraction = 0.0;
    }
    if negative && (integer != 0.0 || fraction != 0.0) {
        out.push('-');
    }
    // Both are integral and below 2^54, so the conversions are exact.
    out.push_str(&(integer as u64).to_string());
    if fraction != 0.0 {
        let digits = format!("{:06}", fraction as u64);
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Parses a numeric string as `number(...)` does: `-?[0-9]+(\.[0-9]+)?`,
/// nothing else (no spaces, no exponent, no `+`).
///
/// The digits, integer and fraction together, are accumulated as
/// `m = m * 10 + digit`; the result is `m / 10^k` where `k` is the number of
/// fraction digits and `10^k` is computed by `k` multiplications by ten.
/// For up to 15 significant digits and 22 fraction digits every step is
/// exact, so the result is the correctly rounded value.
pub fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let mut mantissa = 0.0f64;
    let mut integer_digits = 0usize;
    let mut fraction_digits = 0usize;
    let mut seen_point = false;
    for &byte in digits {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa * 10.0 + f64::from(byte - b'0');
                if seen_point {
                    fraction_digits += 1;
                } else {
                    integer_digits += 1;
                }
            }
            b'.' if !seen_point && integer_digits > 0 => seen_point = true,
            _ => return None,
        }
    }
    if integer_digits == 0 || (seen_point && fraction_digits == 0) {
        return None;
    }
    let mut scale = 1.0f64;
    for _ in 0..fraction_digits {
        scale *= 10.0;
    }
    let value = mantissa / scale;
    Some(if negative { -value } else { value })
}

/// An IP address or CIDR block: the address as 128 bits (IPv4 in the low
/// 32), its family and its prefix length (the full length for an address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// The address bits.
    pub address: u128,
    /// IPv6 or IPv4.
    pub v6: bool,
    /// Prefix length.
    pub prefix: u32,
    /// Whether a `/prefix` was written.
    pub has_prefix: bool,
}

/// Parses `address` or `address/prefix`, IPv4 or IPv6.
///
/// IPv4: four decimal numbers of one to three digits, each at most 255.
/// IPv6: groups of one to four hex digits separated by `:`, at most one
/// `::` standing for one or more zero groups, optionally ending in an IPv4
/// address that counts as two groups. Prefix: one to three decimal digits,
/// at most 32 or 128.
pub fn parse_block(text: &str) -> Option<Block> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let (bits, v6) = if address.contains(':') {
        (parse_ipv6(address)?, true)
    } else {
        (u128::from(parse_ipv4(address)?), false)
    };
    let full = if v6 { 128 } else { 32 };
    let prefix_length = match prefix {
        None => full,
        Some(prefix) => {
            let length = parse_decimal(prefix, 3)?;
            if length > full {
                return None;
            }
            length
        }
    };
    Some(Block {
        address: bits,
        v6,
        prefix: prefix_length,
        has_prefix: prefix.is_some(),
    })
}

fn parse_decimal(text: &str, max_digits: usize) -> Option<u32> {
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_ipv4(text: &str) -> Option<u32> {
    let mut value = 0u32;
    let mut count = 0;
    for part in text.split('.') {
        let octet = parse_decimal(part, 3)?;
        if octet > 255 {
            return None;
        }
        value = (value << 8) | octet;
        count += 1;
    }
    (count == 4).then_some(value)
}

fn parse_ipv6(text: &str) -> Option<u128> {
    let (head, tail, compressed) = match text.find("::") {
        Some(at) => (text.get(..at)?, text.get(at + 2..)?, true),
        None => (text, "", false),
    };
    if compressed && tail.contains("::") {
        return None;
    }
    let head_groups = parse_groups(head, !compressed)?;
    let tail_groups = if compressed {
        parse_groups(tail, true)?
    } else {
        Vec::new()
    };
    let total = head_groups.len() + tail_groups.len();
    if (compressed && total > 7) || (!compressed && total != 8) {
        return None;
    }
    let mut groups = head_groups;
    groups.resize(8 - tail_groups.len(), 0);
    groups.extend(tail_groups);
    Some(
        groups
            .iter()
            .fold(0u128, |acc, group| (acc << 16) | u128::from(*group)),
    )
}

/// Parses `g:g:g` (possibly empty); the last piece may be an IPv4 address
/// when `allow_ipv4` is set, counting as two groups.
fn parse_groups(text: &str, allow_ipv4: bool) -> Option<Vec<u16>> {
    let mut groups = Vec::new();
    if text.is_empty() {
        return Some(groups);
    }
    let pieces: Vec<&str> = text.split(':').collect();
    let last = pieces.len() - 1;
    for (index, piece) in pieces.iter().enumerate() {
        if index == last && allow_ipv4 && piece.contains('.') {
            let v4 = parse_ipv4(piece)?;
            groups.push((v4 >> 16) as u16);
            groups.push((v4 & 0xffff) as u16);
            continue;
        }
        if piece.is_empty() || piece.len() > 4 || !piece.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        groups.push(u16::from_str_radix(piece, 16).ok()?);
    }
    Some(groups)
}

/// Whether `text` is a CIDR block (an address with a prefix).
pub fn is_cidr(text: &str) -> bool {
    parse_block(text).is_some_and(|block| block.has_prefix)
}

/// Whether the block `outer` contains the address or block `inner`.
pub fn cidr_contains(outer: &str, inner: &str) -> bool {
    let (Some(outer), Some(inner)) = (parse_block(outer), parse_block(inner)) else {
        return false;
    };
    if !outer.has_prefix || outer.v6 != inner.v6 || inner.prefix < outer.prefix {
        return false;
    }
    let width = if outer.v6 { 128 } else { 32 };
    let host_bits = width - outer.prefix;
    let mask = if host_bits >= 128 {
        0
    } else {
        u128::MAX << host_bits
    };
    (outer.address & mask) == (inner.address & mask)
}

/// One token of a glob pattern: `*`, `?`, or a literal character (its
/// UTF-8 bytes).
fn glob_token(text: &[u8], at: usize, wildcards: bool) -> (u8, usize) {
    let byte = text.get(at).copied().unwrap_or(0);
    if wildcards && (byte == b'*' || byte == b'?') {
        return (byte, 1);
    }
    (0, utf8_width(byte))
}

/// The width of the UTF-8 sequence a byte starts (1 for a byte that
/// starts none).
pub fn utf8_width(byte: u8) -> usize {
    match byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Whether some text matches both glob patterns `a` and `b` (`*` any run of
/// characters, `?` one character; in `b` only when `b_wildcards`), ASCII
/// letters compared without case when `fold_case`. With `b_wildcards`
/// false this is whether `b` itself matches `a`.
///
/// The product of the two patterns is walked position by position:
/// `reach` holds, for the current position `i` in `a`, the positions of
/// `b` reachable together with it, and `next` those reachable with the
/// following token of `a` consumed. Every move advances in `a`, in `b` or
/// both, so one pass over `i` in order, and over `b` in order within a row,
/// visits each pair after every pair that leads to it. The code generator
/// walks the same rows in the same order.
pub fn glob_overlap(a: &[u8], b: &[u8], fold_case: bool, b_wildcards: bool) -> bool {
    let width = b.len() + 1;
    let mut reach = vec![false; width];
    let mut next = vec![false; width];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    let mut i = 0;
    loop {
        let (a_kind, a_len) = if i < a.len() {
            glob_token(a, i, true)
        } else {
            (0, 0)
        };
        for j in 0..width {
            if !reach.get(j).copied().unwrap_or(false) {
                continue;
            }
            let (b_kind, b_len) = if j < b.len() {
                glob_token(b, j, b_wildcards)
            } else {
                (0, 0)
            };
            // `*` may stand for nothing.
            if b_kind == b'*' {
                set(&mut reach, j + 1);
            }
            if i >= a.len() {
                continue;
            }
            if a_kind == b'*' {
                set(&mut next, j);
            }
            if j >= b.len() {
                continue;
            }
            // Both consume one character.
            let compatible = a_kind != 0
                || b_kind != 0
                || (a_len == b_len
                    && same_bytes(a.get(i..i + a_len), b.get(j..j + b_len), fold_case));
            if !compatible {
                continue;
            }
            // A literal or `?` of `b` next to a `*` of `a`: `a` stays.
            let a_stays = a_kind == b'*';
            let b_stays = b_kind == b'*';
            match (a_stays, b_stays) {
                (true, true) => {}
                (true, false) => set(&mut reach, j + b_len),
                (false, true) => set(&mut next, j),
                (false, false) => set(&mut next, j + b_len),
            }
        }
        if i >= a.len() {
            return reach.get(b.len()).copied().unwrap_or(false);
        }
        std::mem::swap(&mut reach, &mut next);
        next.iter_mut().for_each(|slot| *slot = false);
        i += a_len;
    }
}

fn set(row: &mut [bool], at: usize) {
    if let Some(slot) = row.get_mut(at) {
        *slot = true;
    }
}

fn same_bytes(a: Option<&[u8]>, b: Option<&[u8]>, fold_case: bool) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if fold_case => a.eq_ignore_ascii_case(b),
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The parts of an ARN, `arn:partition:service:region:account:resource`:
/// the resource is everything after the fifth colon; partition, service
/// and resource must not be empty.
pub fn parse_arn(text: &str) -> Option<[&str; 5]> {
    let rest = text.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some([partition, service, region, account, resource])
}

/// The byte offset of character `index` (clamped to the end) in `text`.
pub fn char_offset(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(number: f64) -> String {
        let mut out = String::new();
        render_number(number, &mut out);
        out
    }

    #[test]
    fn numbers_render_short() {
        assert_eq!(render(22.0), "22");
        assert_eq!(render(-1.0), "-1");
        assert_eq!(render(-0.0), "0");
        assert_eq!(render(0.1), "0.1");
        assert_eq!(render(2.5), "2.5");
        assert_eq!(render(1.0 / 3.0), "0.333333");
        assert_eq!(render(0.9999999), "1");
        assert_eq!(render(-0.0000001), "0");
        assert_eq!(render(1e20), "1e20");
        assert_eq!(render(f64::NAN), "NaN");
        assert_eq!(render(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn numeric_strings() {
        assert_eq!(parse_number("22"), Some(22.0));
        assert_eq!(parse_number("-1"), Some(-1.0));
        assert_eq!(parse_number("0.1"), Some(0.1));
        assert_eq!(parse_number("3.25"), Some(3.25));
        for bad in ["", "-", "1.", ".5", "1e3", " 1", "+1", "1.2.3", "0x10"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        assert!(is_cidr("10.0.0.0/16"));
        assert!(is_cidr("0.0.0.0/0"));
        assert!(is_cidr("::/0"));
        assert!(is_cidr("2001:db8::/32"));
        assert!(is_cidr("::ffff:10.0.0.0/104"));
        assert!(!is_cidr("10.0.0.0"));
        assert!(!is_cidr("10.0.0.0/33"));
        assert!(!is_cidr("256.0.0.0/8"));
        assert!(!is_cidr("1:2:3:4:5:6:7:8:9/64"));
        assert!(!is_cidr("1::2::3/64"));
        assert!(!is_cidr("abc"));
        assert!(cidr_contains("10.0.0.0/8", "10.1.2.3"));
        assert!(cidr_contains("10.0.0.0/8", "10.1.0.0/16"));
        assert!(!cidr_contains("10.0.0.0/16", "10.0.0.0/8"));
        assert!(!cidr_contains("10.0.0.0/8", "11.0.0.1"));
        assert!(cidr_contains("0.0.0.0/0", "192.168.1.1"));
        assert!(cidr_contains("::/0", "2001:db8::1"));
        assert!(!cidr_contains("::/0", "10.0.0.1"));
        assert!(cidr_contains("2001:db8::/32", "2001:db8:ffff::/48"));
        assert!(!cidr_contains("10.0.0.1", "10.0.0.1"));
    }

    #[test]
    fn globs() {
        let glob = |p: &str, t: &str| glob_overlap(p.as_bytes(), t.as_bytes(), false, false);
        assert!(glob("*", ""));
        assert!(glob("a*c", "abbbc"));
        assert!(glob("a?c", "abc"));
        assert!(glob("a?c", "aéc"));
        assert!(!glob("a?c", "ac"));
        assert!(!glob("a*c", "abcd"));
        assert!(!glob("ABC", "abc"));
        assert!(glob("a*b*c", "a-b-b-c"));
        assert!(glob("", ""));
        assert!(!glob("", "a"));
        let action = |p: &str, t: &str| glob_overlap(p.as_bytes(), t.as_bytes(), true, false);
        for pattern in [
            "iam:*Role",
            "iam:Pass*",
            "*",
            "IAM:passrole",
            "iam:????Role",
        ] {
            assert!(action(pattern, "iam:PassRole"), "{pattern}");
        }
        assert!(!action("iam:PassRole", "iam:*"));
        let overlap = |a: &str, b: &str| glob_overlap(a.as_bytes(), b.as_bytes(), true, true);
        assert!(overlap("iam:*Role", "iam:Pass*"));
        assert!(overlap("iam:Pass*", "iam:*Role"));
        assert!(overlap("*", "s3:GetObject"));
        assert!(!overlap("s3:*", "iam:*"));
        assert!(!overlap("iam:Get*", "iam:Pass*"));
        assert!(overlap("a*b", "*c*"));
        assert!(!overlap("a?", "abc*d"));
        assert!(overlap("a??", "abc*"));
        assert!(overlap("?", "é"));
        assert!(!overlap("??", "é"));
    }

    #[test]
    fn arns() {
        assert_eq!(
            parse_arn("arn:aws:iam::123456789012:role/path/admin"),
            Some(["aws", "iam", "", "123456789012", "role/path/admin"])
        );
        assert_eq!(
            parse_arn("arn:aws:logs:us-east-1:1:log-group:/a:*"),
            Some(["aws", "logs", "us-east-1", "1", "log-group:/a:*"])
        );
        assert!(parse_arn("arn:aws:s3:::bucket").is_some());
        assert_eq!(parse_arn("arn:aws:s3:::"), None);
        assert_eq!(parse_arn("arn::s3:::b"), None);
        assert_eq!(parse_arn("arn:aws:s3::b"), None);
        assert_eq!(parse_arn("ARN:aws:s3:::b"), None);
    }
}
