//! Arbitrary bytes into the Pabulib reader, writer and checker: an error is fine, a panic or
//! unbounded memory is a bug. What reads must write and read back the same (line numbers aside).
#![no_main]

use cocity_pb::{check, pabulib};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pabulib::read(data);
    let text = String::from_utf8_lossy(data);
    if let Ok(e) = pabulib::read_str(&text) {
        let written = pabulib::to_string(&e);
        let mut back = match pabulib::read_str(&written) {
            Ok(b) => b,
            Err(err) => panic!("written text does not read back: {err}\n{written}"),
        };
        back.profile.lines = e.profile.lines.clone();
        assert!(back == e, "round trip differs\n{written}");
    }
    let _ = check::check_str(&text);
});
