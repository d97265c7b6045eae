//! Feeds arbitrary bytes to both readers of AWS Config items: the loader
//! (one item, lists, wrapped lists, change notifications, NDJSON) and the
//! streaming NDJSON reader. A panic, a hang or a stack overflow is a bug; so
//! is a resource, a value or an error positioned outside the file.

#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;
use ward_model::{InputKind, stream_config_items};

fuzz_target!(|data: &[u8]| {
    let options = ward_fuzz::options(Some(InputKind::ConfigItems));
    ward_fuzz::load_and_check("items.ndjson", data, &options);
    let lines = ward_fuzz::max_lines(data);
    let mut streamed = 0usize;
    let result = stream_config_items("items.ndjson", data, |resource| {
        ward_fuzz::assert_pos(resource.pos, lines, "resource");
        ward_fuzz::check_node(&resource.props, lines);
        ward_fuzz::check_node(&resource.metadata, lines);
        streamed += 1;
        ControlFlow::Continue(())
    });
    match result {
        Ok(count) => assert_eq!(count, streamed, "count differs from the items handed over"),
        Err(error) => ward_fuzz::check_error(&error, lines),
    }
});
