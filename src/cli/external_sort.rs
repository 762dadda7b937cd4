//! Sorting more rows than memory should hold, as `sort(1)` does: rows are
//! held up to a byte budget, then sorted and spilled to an anonymous
//! temporary file (a run, gone when it is closed, even after a crash); the
//! sorted rows are the merge of the runs and of what is still held. A
//! listing of a large store (`list`, `sla`, the copies `check` looks for)
//! so holds a budget of rows however many it prints (README, Performance).
//!
//! The order must be total (the commands end it with the case number), so
//! rows gathered on several threads, in any order, come out in one order:
//! the one a stable sort of the rows in number order gives.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The bytes of rows one gatherer holds before it spills them: small, so
/// that a listing of 100,000 cases and one of 1,000,000 hold the same.
pub const BUDGET_BYTES: usize = 1 << 20;

/// The budget of the gatherers a command makes on this thread:
/// [`BUDGET_BYTES`]; tests make it small, to see rows spilled.
pub fn budget() -> usize {
    #[cfg(test)]
    return TEST_BUDGET.with(std::cell::Cell::get);
    #[cfg(not(test))]
    BUDGET_BYTES
}

#[cfg(test)]
thread_local! {
    /// The budget of this test's commands.
    pub static TEST_BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(BUDGET_BYTES) };
}

/// The most runs merged at once; more are first merged into longer runs,
/// so the read buffers of a merge stay bounded too.
const FAN_IN: usize = 64;

/// The read buffer of each run in a merge.
const READ_BUFFER: usize = 32 << 10;

/// The error of a sort whose temporary files could not be written or read
/// back (exit 4), naming where they are.
pub fn failed(error: io::Error) -> super::CommandError {
    super::CommandError::unreadable(format!(
        "cannot sort the rows in temporary files in {}: {error}",
        std::env::temp_dir().display()
    ))
    .with_hint("set TMPDIR to a writable directory with room")
}

/// What a row holds besides its own size (its strings, its vectors), in
/// bytes, for the budget.
pub type Weigh<T> = fn(&T) -> usize;

/// Rows being gathered: those held, sorted when spilled, and the runs
/// spilled so far. `absorb` joins the gatherers of two threads.
pub struct ExternalSort<'c, T, C> {
    compare: &'c C,
    weigh: Weigh<T>,
    budget: usize,
    /// The rows held, in the vectors they were pushed into: joining two
    /// gatherers moves their vectors, where appending would copy the rows
    /// at every level of the join and leave the freed copies to the
    /// allocator (peak memory at 100,000 cases, not time).
    held: Vec<Vec<T>>,
    held_bytes: usize,
    runs: Vec<Run>,
    /// The first temporary file that could not be written: the sort fails
    /// when it is finished.
    failed: Option<io::Error>,
}

/// One spilled run: its rows, sorted, in a temporary file.
struct Run {
    file: File,
    rows: usize,
}

impl<'c, T, C> ExternalSort<'c, T, C>
where
    T: Serialize + DeserializeOwned + Clone,
    C: Fn(&T, &T) -> Ordering,
{
    /// Gathers rows to be sorted by `compare`, holding about `budget` bytes
    /// of them (as `weigh` counts what a row holds) before spilling.
    pub fn new(compare: &'c C, weigh: Weigh<T>, budget: usize) -> Self {
        ExternalSort {
            compare,
            weigh,
            budget,
            held: Vec::new(),
            held_bytes: 0,
            runs: Vec::new(),
            failed: None,
        }
    }

    pub fn push(&mut self, row: T) {
        self.held_bytes += std::mem::size_of::<T>() + (self.weigh)(&row);
        match self.held.last_mut() {
            Some(rows) => rows.push(row),
            None => self.held.push(vec![row]),
        }
        if self.held_bytes > self.budget {
            self.spill();
        }
    }

    /// Takes in the rows and runs of `other`.
    pub fn absorb(&mut self, other: Self) {
        if self.failed.is_none() {
            self.failed = other.failed;
        }
        self.runs.extend(other.runs);
        self.held_bytes += other.held_bytes;
        self.held.extend(other.held);
        if self.held_bytes > self.budget {
            self.spill();
        }
    }

    /// What is held, in one vector, sorted.
    fn take_sorted(&mut self) -> Vec<T> {
        let mut held = std::mem::take(&mut self.held);
        self.held_bytes = 0;
        let mut rows = if held.len() == 1 {
            held.pop().unwrap_or_default()
        } else {
            let mut rows = Vec::with_capacity(held.iter().map(Vec::len).sum());
            for part in held {
                rows.extend(part);
            }
            rows
        };
        rows.sort_by(self.compare);
        rows
    }

    /// Sorts what is held and writes it out as a run.
    fn spill(&mut self) {
        if self.failed.is_some() {
            self.held.clear();
            self.held_bytes = 0;
            return;
        }
        let rows = self.take_sorted();
        match write_run(rows.iter().map(Cow::Borrowed)) {
            Ok(run) => self.runs.push(run),
            Err(error) => self.failed = Some(error),
        }
    }

    /// The rows, sorted: an error when a temporary file could not be
    /// written.
    pub fn finish(mut self) -> io::Result<Sorted<'c, T, C>> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        let held = self.take_sorted();
        while self.runs.len() > FAN_IN {
            let longer: Vec<Run> = self.runs.drain(..FAN_IN).collect();
            let failed = RefCell::new(None);
            let run = write_run(Merge::new(self.compare, &[], &longer, &failed))?;
            if let Some(error) = failed.into_inner() {
                return Err(error);
            }
            self.runs.push(run);
        }
        Ok(Sorted {
            compare: self.compare,
            held,
            runs: self.runs,
            failed: RefCell::new(None),
        })
    }
}

/// Writes `rows` to a new temporary file: each a 4-byte length, then its
/// postcard encoding.
fn write_run<'r, T>(rows: impl Iterator<Item = Cow<'r, T>>) -> io::Result<Run>
where
    T: Serialize + Clone + 'r,
{
    let mut out = BufWriter::new(tempfile::tempfile()?);
    let mut buffer = Vec::new();
    let mut count = 0;
    for row in rows {
        buffer.clear();
        buffer = postcard::to_extend(row.as_ref(), buffer).map_err(io::Error::other)?;
        let length = u32::try_from(buffer.len()).map_err(io::Error::other)?;
        out.write_all(&length.to_le_bytes())?;
        out.write_all(&buffer)?;
        count += 1;
    }
    let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    Ok(Run { file, rows: count })
}

/// Sorted rows, to be read once or more (a table reads them twice: the
/// widths, then the rows).
pub struct Sorted<'c, T, C> {
    compare: &'c C,
    held: Vec<T>,
    runs: Vec<Run>,
    /// The first run that could not be read back, for [`Sorted::checked`].
    failed: RefCell<Option<io::Error>>,
}

impl<'c, T, C> Sorted<'c, T, C>
where
    T: Serialize + DeserializeOwned + Clone,
    C: Fn(&T, &T) -> Ordering,
{
    /// The rows in order. A run that cannot be read back ends the rows
    /// early; [`Sorted::checked`] then says so.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, T>> + '_ {
        Merge::new(self.compare, &self.held, &self.runs, &self.failed)
    }

    /// An error when a run could not be read back (every row read so far
    /// was read whole).
    pub fn checked(&self) -> io::Result<()> {
        match self.failed.borrow_mut().take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The merge of sorted sources: the held rows and the runs.
struct Merge<'a, T: Clone, C> {
    compare: &'a C,
    held: std::slice::Iter<'a, T>,
    runs: Vec<RunReader<'a>>,
    /// The next row of each source not yet given, least first.
    heads: BinaryHeap<Head<'a, T, C>>,
    failed: &'a RefCell<Option<io::Error>>,
}

/// Where a head came from.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Held,
    Run(usize),
}

/// The next row of one source, ordered for a min-heap.
struct Head<'a, T: Clone, C> {
    row: Cow<'a, T>,
    source: Source,
    compare: &'a C,
}

impl<T: Clone, C: Fn(&T, &T) -> Ordering> Ord for Head<'_, T, C> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.compare)(&other.row, &self.row).then(other.source.cmp(&self.source))
    }
}

impl<T: Clone, C: Fn(&T, &T) -> Ordering> PartialOrd for Head<'_, T, C> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Clone, C: Fn(&T, &T) -> Ordering> PartialEq for Head<'_, T, C> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<T: Clone, C: Fn(&T, &T) -> Ordering> Eq for Head<'_, T, C> {}

impl<'a, T, C> Merge<'a, T, C>
where
    T: DeserializeOwned + Clone,
    C: Fn(&T, &T) -> Ordering,
{
    fn new(
        compare: &'a C,
        held: &'a [T],
        runs: &'a [Run],
        failed: &'a RefCell<Option<io::Error>>,
    ) -> Self {
        let mut merge = Merge {
            compare,
            held: held.iter(),
            runs: runs.iter().map(RunReader::new).collect(),
            heads: BinaryHeap::new(),
            failed,
        };
        merge.refill(Source::Held);
        for index in 0..merge.runs.len() {
            merge.refill(Source::Run(index));
        }
        merge
    }

    /// Puts the next row of `source` among the heads; once a run has
    /// failed, none.
    fn refill(&mut self, source: Source) {
        if self.failed.borrow().is_some() {
            self.heads.clear();
            return;
        }
        let row = match source {
            Source::Held => self.held.next().map(Cow::Borrowed),
            Source::Run(index) => match self.runs[index].next() {
                Ok(row) => row.map(Cow::Owned),
                Err(error) => {
                    self.failed.borrow_mut().get_or_insert(error);
                    None
                }
            },
        };
        if let Some(row) = row {
            self.heads.push(Head {
                row,
                source,
                compare: self.compare,
            });
        }
    }
}

impl<'a, T, C> Iterator for Merge<'a, T, C>
where
    T: DeserializeOwned + Clone,
    C: Fn(&T, &T) -> Ordering,
{
    type Item = Cow<'a, T>;

    fn next(&mut self) -> Option<Cow<'a, T>> {
        let head = self.heads.pop()?;
        self.refill(head.source);
        // A run that failed ends the rows: none after it is given.
        if self.failed.borrow().is_some() {
            self.heads.clear();
            return None;
        }
        Some(head.row)
    }
}

/// Reads one run's rows from its start, at its own position in the file
/// (so a run can be read by several merges, one after the other).
struct RunReader<'a> {
    reader: BufReader<AtOffset<'a>>,
    left: usize,
    buffer: Vec<u8>,
}

impl<'a> RunReader<'a> {
    fn new(run: &'a Run) -> Self {
        RunReader {
            reader: BufReader::with_capacity(
                READ_BUFFER,
                AtOffset {
                    file: &run.file,
                    offset: 0,
                },
            ),
            left: run.rows,
            buffer: Vec::new(),
        }
    }

    fn next<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        if self.left == 0 {
            return Ok(None);
        }
        let mut length = [0; 4];
        self.reader.read_exact(&mut length)?;
        self.buffer.resize(u32::from_le_bytes(length) as usize, 0);
        self.reader.read_exact(&mut self.buffer)?;
        self.left -= 1;
        postcard::from_bytes(&self.buffer)
            .map(Some)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))
    }
}

/// A file read from `offset` on, without moving the file's own position.
struct AtOffset<'a> {
    file: &'a File,
    offset: u64,
}

impl Read for AtOffset<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = read_at(self.file, buffer, self.offset)?;
        self.offset += read as u64;
        Ok(read)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buffer, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buffer, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row that weighs its string, ordered by key then number.
    type Row = (u32, u64, String);

    fn weigh(row: &Row) -> usize {
        row.2.len()
    }

    fn compare(a: &Row, b: &Row) -> Ordering {
        (a.0, a.1).cmp(&(b.0, b.1))
    }

    /// `count` rows with keys that repeat, numbered in a scrambled order.
    fn rows(count: u64) -> Vec<Row> {
        (0..count)
            .map(|i| {
                let number = (i * 7919) % count;
                ((number % 13) as u32, number, format!("row {number}"))
            })
            .collect()
    }

    fn sorted_in_memory(mut rows: Vec<Row>) -> Vec<Row> {
        rows.sort_by(compare);
        rows
    }

    #[test]
    fn rows_within_the_budget_are_never_spilled() {
        let mut sort = ExternalSort::new(&compare, weigh, 1 << 20);
        for row in rows(100) {
            sort.push(row);
        }
        assert!(sort.runs.is_empty());
        let sorted = sort.finish().unwrap();
        let got: Vec<Row> = sorted.iter().map(Cow::into_owned).collect();
        assert_eq!(got, sorted_in_memory(rows(100)));
    }

    #[test]
    fn spilled_rows_come_back_in_the_order_of_a_sort_in_memory_every_time_they_are_read() {
        // 2,000 rows of about 60 bytes against 1 KiB: runs of about 17
        // rows, more than FAN_IN of them, so longer runs are merged first.
        let mut sort = ExternalSort::new(&compare, weigh, 1 << 10);
        for row in rows(2000) {
            sort.push(row);
        }
        assert!(sort.runs.len() > FAN_IN, "{} runs", sort.runs.len());
        let sorted = sort.finish().unwrap();
        assert!(sorted.runs.len() <= FAN_IN);
        let expected = sorted_in_memory(rows(2000));
        for _ in 0..2 {
            let got: Vec<Row> = sorted.iter().map(Cow::into_owned).collect();
            assert_eq!(got, expected);
        }
        sorted.checked().unwrap();
    }

    #[test]
    fn gatherers_joined_in_any_order_give_one_order() {
        let all = rows(3000);
        let mut parts = all.chunks(700).map(|chunk| {
            let mut sort = ExternalSort::new(&compare, weigh, 4 << 10);
            for row in chunk {
                sort.push(row.clone());
            }
            sort
        });
        let mut joined = parts.next().unwrap();
        for part in parts.rev() {
            joined.absorb(part);
        }
        let sorted = joined.finish().unwrap();
        let got: Vec<Row> = sorted.iter().map(Cow::into_owned).collect();
        assert_eq!(got, sorted_in_memory(all));
    }

    #[test]
    fn a_run_cut_short_ends_the_rows_and_says_so() {
        let mut sort = ExternalSort::new(&compare, weigh, 1 << 10);
        for row in rows(200) {
            sort.push(row);
        }
        let sorted = sort.finish().unwrap();
        sorted.runs[0].file.set_len(10).unwrap();
        let got = sorted.iter().count();
        assert!(got < 200, "{got} rows");
        let error = sorted.checked().unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        // Read again, it fails again.
        sorted.iter().count();
        assert!(sorted.checked().is_err());
    }
}
