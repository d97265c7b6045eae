//! Feeds arbitrary text to the reader of `ward.toml`
//! (`ward_config::parse`). A panic or a hang is a bug; so is an error
//! placed outside the file, or a file accepted with a value that its
//! accessors then cannot give back (every value is checked when read).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match ward_config::parse(&text) {
        Err(error) => {
            assert!(!error.message.is_empty(), "an error without a message");
            if let Some(span) = &error.span {
                assert!(
                    span.start <= span.end && span.end <= text.len(),
                    "{span:?} outside {} bytes",
                    text.len()
                );
            }
            let located = error.located("ward.toml", &text);
            assert!(located.starts_with("ward.toml:"), "{located}");
            if let Some((line, column)) = error.position(&text) {
                let lines: Vec<&str> = text.split('\n').collect();
                assert!(line >= 1 && line <= lines.len(), "line {line} of {}", lines.len());
                let width = lines[line - 1].chars().count();
                assert!(column >= 1 && column <= width + 1, "column {column} of {width}");
            }
        }
        Ok(config) => {
            let formats = config
                .format
                .as_ref()
                .map_or(0, |formats| formats.get_ref().list().len());
            assert_eq!(config.outputs().len(), formats, "a format read but not given");
            assert_eq!(config.levels().len(), config.levels.len());
            assert_eq!(config.severities().len(), config.severities.len());
            assert_eq!(
                config.max_input_size().is_some(),
                config.max_input_size.is_some()
            );
            if let Some(seconds) = config.timeout() {
                assert!(seconds.is_finite() && seconds > 0.0, "timeout {seconds}");
            }
            assert_eq!(config.params().len(), config.params.len());
            assert_eq!(config.paths(&config.paths).len(), config.paths.len());
            for threshold in [config.fail_on, config.fail_on_unknown].into_iter().flatten() {
                let _ = threshold.threshold();
            }
        }
    }
});
