//! The fast reader of canonical case files against the general YAML
//! parser: whenever the fast reader accepts a text, it must read exactly
//! what serde_yaml reads (`cases::store::fast_path_agreement`). Texts with a
//! character YAML forbids (a raw control character) are skipped: `decode`
//! refuses them before either reader runs (this target found that class).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let forbidden = |c: char| {
        !matches!(c, '\t' | '\n' | '\r' | '\u{85}')
            && (c.is_control() || c == '\u{fffe}' || c == '\u{ffff}')
    };
    if text.chars().any(forbidden) {
        return;
    }
    let (_, agrees) = cases::store::fast_path_agreement(text);
    assert!(
        agrees,
        "the fast reader and serde_yaml disagree on:\n{text:?}"
    );
});
