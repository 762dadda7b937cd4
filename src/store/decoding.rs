//! Case files from their bytes: UTF-8, then the codec, then the number the
//! path promises. Every error names the file, line and column.

use std::path::Path;

use super::safe_open::position_of;
use super::{decode, StoreError};
use crate::case::Case;

/// Decodes the bytes of the case file at `path`, which must hold `number`.
pub fn decode_file(path: &Path, bytes: &[u8], number: u64) -> Result<Case, StoreError> {
    let invalid = |line, column, message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of(bytes, e.valid_up_to());
        invalid(line, column, "the file is not valid UTF-8".into())
    })?;
    let case = decode(text).map_err(|e| invalid(e.line, e.column, e.problem.to_string()))?;
    if case.number() != number {
        return Err(StoreError::WrongNumber {
            path: path.to_path_buf(),
            holds: case.number(),
            expected: number,
        });
    }
    Ok(case)
}
