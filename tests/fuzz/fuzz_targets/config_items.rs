//! Feeds arbitrary bytes to both readers of AWS Config items: the loader
//! (one item, lists, wrapped lists, change notifications, NDJSON) and the
//! streaming NDJSON reader, whose items are grouped into windows as `ward
//! check` judges them. A panic, a hang or a stack overflow is a bug; so is
//! a resource, a value or an error positioned outside the file, an item
//! lost between the stream and its windows, or an edge of a window that
//! does not join two of its resources.

#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use ward_model::{ConfigWindows, Document, InputKind, stream_config_items};

fuzz_target!(|data: &[u8]| {
    let options = ward_fuzz::options(Some(InputKind::ConfigItems));
    ward_fuzz::load_and_check("items.ndjson", data, &options);
    let lines = ward_fuzz::max_lines(data);
    let mut streamed = 0usize;
    // A small window, so that inputs of a few items make several.
    let mut windows = ConfigWindows::new("items.ndjson", 3);
    let mut in_windows = 0usize;
    let mut check_window = |window: Document| {
        for edge in &window.edges {
            assert!(
                edge.from < window.resources.len() && edge.to < window.resources.len(),
                "an edge of a window leaves it"
            );
        }
        in_windows += window.resources.len();
    };
    let result = stream_config_items("items.ndjson", data, |resource| {
        ward_fuzz::assert_pos(resource.pos, lines, "resource");
        ward_fuzz::check_node(&resource.props, lines);
        ward_fuzz::check_node(&resource.metadata, lines);
        streamed += 1;
        if let Some(window) = windows.push(resource) {
            check_window(window);
        }
        ControlFlow::Continue(())
    });
    if let Some(window) = windows.finish() {
        check_window(window);
    }
    assert_eq!(in_windows, streamed, "items lost between the stream and its windows");
    match result {
        Ok(count) => assert_eq!(count, streamed, "count differs from the items handed over"),
        Err(error) => ward_fuzz::check_error(&error, lines),
    }
});
