//! The case-file decoder on arbitrary bytes: it must return a value or an
//! error, never panic, and whatever decodes must re-encode to canonical
//! bytes that decode to the same case (encode is a fixed point).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(case) = cases::store::decode(text) {
        let canonical = cases::store::encode(&case);
        let again = cases::store::decode(&canonical)
            .unwrap_or_else(|e| panic!("canonical bytes do not decode: {e:?}\n{canonical}"));
        assert_eq!(again, case, "decode(encode(case)) differs");
        assert_eq!(
            cases::store::encode(&again),
            canonical,
            "encode is not a fixed point"
        );
    }
});
