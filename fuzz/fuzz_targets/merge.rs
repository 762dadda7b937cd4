//! The merge driver on decoded inputs. The input is up to three case files
//! separated by a line `---8<---`: base, ours, theirs (two parts: no base).
//! Whatever the inputs, merging never panics and never drops an event: every
//! event of either side is in the result, and a clean result re-encodes and
//! decodes to itself.
#![no_main]

use cases::merge::{merge, Merged};
use libfuzzer_sys::fuzz_target;

const SEPARATOR: &str = "\n---8<---\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parts: Vec<&str> = text.split(SEPARATOR).collect();
    let (base, ours, theirs) = match parts.as_slice() {
        [ours, theirs] => (None, *ours, *theirs),
        [base, ours, theirs] => (Some(*base), *ours, *theirs),
        _ => return,
    };
    let decode = |t: &str| cases::store::decode(t).ok();
    let base = match base {
        None => None,
        Some(t) => match decode(t) {
            Some(case) => Some(case),
            None => return,
        },
    };
    let (Some(ours), Some(theirs)) = (decode(ours), decode(theirs)) else {
        return;
    };
    let merged = merge(base.as_ref(), &ours, &theirs);
    let history = match &merged {
        Merged::Clean(case) => {
            let canonical = cases::store::encode(case);
            let again = cases::store::decode(&canonical)
                .unwrap_or_else(|e| panic!("a clean merge does not decode: {e:?}\n{canonical}"));
            assert_eq!(&again, case);
            case.history().to_vec()
        }
        Merged::Conflict {
            header, history, ..
        } => {
            let _ = cases::store::encode_parts(header, history);
            history.clone()
        }
    };
    for side in [&ours, &theirs] {
        for event in side.history() {
            assert!(history.contains(event), "the merge dropped {event:?}");
        }
    }
});
