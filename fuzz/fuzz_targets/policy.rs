//! The policy parser and validator on arbitrary text: a policy or a list of
//! problems, never a panic; an accepted policy answers its basic questions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match cases::policy::Policy::parse(text, "fuzz.yaml") {
        Ok(policy) => {
            for plan in &policy.plans {
                let _ = policy.has_plan(plan);
            }
        }
        Err(error) => {
            assert!(!error.problems.is_empty(), "an error without a problem");
            let _ = error.to_string();
        }
    }
});
