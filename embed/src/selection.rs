//! `--rules` and `--skip-rules`: which rules of the policies run. A pattern
//! is a rule id (`WARD-NET-001`), a rule name, qualified or not
//! (`aws.network.no_open_ssh`, `no_open_ssh`), a package or a package
//! prefix (`aws.network`, `aws`), or a glob over ids and qualified names
//! (`WARD-NET-*`; `*` any text, `?` one character). `--control` runs only
//! the rules that name a control (`CIS:5.2`, a glob such as `CIS:*`, or a
//! prefix: `WA:SEC05` for every best practice of `SEC05`).

use ward_compiler::analysis::RuleInfo;
use ward_compiler::ir::Program;

/// The patterns of repeated, comma-separated flags, trimmed.
pub fn patterns(flags: &[String]) -> Vec<String> {
    flags
        .iter()
        .flat_map(|flag| flag.split(','))
        .map(str::trim)
        .filter(|pattern| !pattern.is_empty())
        .map(str::to_string)
        .collect()
}

/// Keeps the rules of `program` that `selection` selects: those that
/// `rules` selects (all when empty) and that name a control of `controls`
/// (all when empty), but not those `skip` selects, after giving the rules
/// the levels and severities of the configuration (`levels`,
/// `severities`). A pattern that names no rule of the policies is an error
/// naming it.
pub fn select(program: &mut Program, selection: &Selection<'_>) -> Result<(), String> {
    let Selection {
        rules,
        skip,
        controls,
        levels,
        severities,
    } = *selection;
    for (table, patterns) in [
        ("levels", levels.iter().map(|(p, _)| p).collect::<Vec<_>>()),
        ("severities", severities.iter().map(|(p, _)| p).collect()),
    ] {
        if let Some(unmatched) = unmatched(program, patterns, matches) {
            return Err(format!(
                "`{unmatched}` in the `[{table}]` table of the configuration matches no rule of the policies (see `ward rules`)"
            ));
        }
    }
    for rule in &mut program.rules {
        if let Some(level) = most_specific(levels, &rule.info) {
            rule.info.level = level;
        }
        if let Some(severity) = most_specific(severities, &rule.info) {
            rule.info.severity = severity;
        }
    }
    for (flag, patterns, matches) in [
        ("--rules", rules, matches as fn(&str, &RuleInfo) -> bool),
        ("--skip-rules", skip, matches),
        ("--control", controls, names_control),
    ] {
        if let Some(unmatched) = unmatched(program, patterns, matches) {
            return Err(format!(
                "`{flag} {unmatched}` matches no rule of the policies (see `ward rules`)"
            ));
        }
    }
    program.rules.retain(|rule| {
        (rules.is_empty() || rules.iter().any(|pattern| matches(pattern, &rule.info)))
            && (controls.is_empty()
                || controls
                    .iter()
                    .any(|pattern| names_control(pattern, &rule.info)))
            && !skip.iter().any(|pattern| matches(pattern, &rule.info))
    });
    Ok(())
}

/// The first pattern that `matches` finds in no rule of the program.
fn unmatched<'p, P: AsRef<str> + 'p>(
    program: &Program,
    patterns: impl IntoIterator<Item = &'p P>,
    matches: fn(&str, &RuleInfo) -> bool,
) -> Option<&'p str> {
    patterns.into_iter().map(AsRef::as_ref).find(|pattern| {
        !program
            .rules
            .iter()
            .any(|rule| matches(pattern, &rule.info))
    })
}

/// The value of the most specific pattern that selects a rule: its id or
/// name beats a package, a longer package a shorter one, and any of them a
/// glob.
fn most_specific<T: Copy>(table: &[(String, T)], rule: &RuleInfo) -> Option<T> {
    let qualified = format!("{}.{}", rule.package, rule.name);
    table
        .iter()
        .filter(|(pattern, _)| matches(pattern, rule))
        .max_by_key(|(pattern, _)| {
            let exact = *pattern == rule.id || *pattern == rule.name || *pattern == qualified;
            let glob = pattern.contains(['*', '?']);
            (exact, !glob, pattern.len())
        })
        .map(|(_, value)| *value)
}

/// The patterns of `--rules`, `--skip-rules` and `--control`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection<'a> {
    /// `--rules`.
    pub rules: &'a [String],
    /// `--skip-rules`.
    pub skip: &'a [String],
    /// `--control`.
    pub controls: &'a [String],
    /// The configuration's `[levels]`: enforcement levels by rule pattern.
    pub levels: &'a [(String, ward_abi::Level)],
    /// The configuration's `[severities]`: severities by rule pattern.
    pub severities: &'a [(String, ward_abi::Severity)],
}

impl Selection<'_> {
    /// Whether every rule runs.
    pub fn is_all(&self) -> bool {
        self.rules.is_empty()
            && self.skip.is_empty()
            && self.controls.is_empty()
            && self.levels.is_empty()
            && self.severities.is_empty()
    }
}

/// Whether a rule names a control a pattern matches: the control itself, a
/// glob, or a control's prefix up to a `-` or `.` (`WA:SEC05` names
/// `WA:SEC05-BP02`, `CIS:5.2` names `CIS:5.2.1`).
pub fn names_control(pattern: &str, rule: &RuleInfo) -> bool {
    rule.controls.iter().any(|control| {
        glob(pattern, control)
            || control
                .strip_prefix(pattern)
                .is_some_and(|rest| rest.starts_with(['-', '.']))
    })
}

/// Whether a pattern selects a rule.
fn matches(pattern: &str, rule: &RuleInfo) -> bool {
    let qualified = format!("{}.{}", rule.package, rule.name);
    if pattern.contains(['*', '?']) {
        return glob(pattern, &rule.id) || glob(pattern, &qualified);
    }
    pattern == rule.id
        || pattern == rule.name
        || pattern == qualified
        || rule
            .package
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Whether `text` matches a glob of `*` (any text) and `?` (one character).
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // The last `*` seen and where in the text it was tried up to.
    let (mut p, mut t, mut star) = (0, 0, None);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::{glob, patterns};

    #[test]
    fn globs() {
        assert!(glob("WARD-NET-*", "WARD-NET-001"));
        assert!(glob("*-001", "WARD-NET-001"));
        assert!(glob("W?RD-*-0*1", "WARD-NET-001"));
        assert!(glob("*", ""));
        assert!(!glob("WARD-NET-*", "WARD-S3-001"));
        assert!(!glob("WARD-NET-00?", "WARD-NET-0010"));
    }

    #[test]
    fn flags_split_at_commas() {
        let flags = ["a,b".to_string(), " c ".to_string(), ",".to_string()];
        assert_eq!(patterns(&flags), ["a", "b", "c"]);
    }
}
