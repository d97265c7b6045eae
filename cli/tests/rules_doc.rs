//! `docs/rules.md` lists the standard library as `ward rules --format
//! markdown` prints it: the part between the markers is generated, and this
//! test fails when it is stale. `WARD_BLESS=1` rewrites it.

use std::path::Path;
use std::process::Command;

const BEGIN: &str = "<!-- BEGIN ward rules --format markdown -->\n";
const END: &str = "<!-- END ward rules --format markdown -->\n";

#[test]
fn the_rules_page_lists_the_standard_library() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(["rules", "--format", "markdown"])
        .current_dir(&root)
        .output()
        .expect("ward runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = String::from_utf8(output.stdout).expect("UTF-8");
    let path = root.join("docs/rules.md");
    let page = std::fs::read_to_string(&path).expect("docs/rules.md");
    let start = page.find(BEGIN).expect("the begin marker") + BEGIN.len();
    let end = page.find(END).expect("the end marker");
    if std::env::var_os("WARD_BLESS").is_some() {
        let updated = format!("{}{listed}{}", &page[..start], &page[end..]);
        std::fs::write(&path, updated).expect("write docs/rules.md");
        return;
    }
    assert!(
        page[start..end] == listed,
        "docs/rules.md is stale: run `WARD_BLESS=1 cargo test -p ward --test rules_doc`"
    );
}
