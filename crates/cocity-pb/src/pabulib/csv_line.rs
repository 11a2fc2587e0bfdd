//! Rows of a Pabulib file, streamed: Python's `str.splitlines()` followed by
//! `csv.reader(delimiter=";")`, which is how pabutools sees a file.
//!
//! One block of whole lines (about 64 KB, ending at a `\n`) is held at a time, in a buffer reused
//! for the whole file, so reading never holds the text twice.
//!
//! Most blocks hold no quote and no line break but LF or CRLF ([`is_plain`], one pass per block):
//! their rows are cut at `\n` and `;` eight bytes at a time. Other blocks go through the state
//! machine of Python's csv module, byte by byte.

use std::io::BufRead;

use super::error::ReadError;

/// One cell of the current row: a range of [`RowReader::text`] (or, for a plain cell of a
/// one-line row, of the chunk itself) and where it starts in the raw line (for error columns).
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    start: usize,
    end: usize,
    raw_start: usize,
    quoted: bool,
    /// The range is in `chunk`: the cell's text needed no unescaping, so it is not copied.
    in_chunk: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// A cell without quotes, `line[from..to]`. In a one-line row (`chunk_at`: where the line starts
/// in the chunk) the cell's range stays in the chunk; otherwise its text is appended to `text`,
/// after the part that `field_start` marks (a closing quote may precede it).
fn plain_cell(
    text: &mut String,
    line: &str,
    chunk_at: Option<usize>,
    (from, to): (usize, usize),
    (field_start, raw_start): (usize, usize),
) -> Cell {
    if let Some(at) = chunk_at.filter(|_| field_start == text.len()) {
        return Cell {
            start: at + from,
            end: at + to,
            raw_start,
            quoted: false,
            in_chunk: true,
        };
    }
    text.push_str(line.get(from..to).unwrap_or(""));
    Cell {
        start: field_start,
        end: text.len(),
        raw_start,
        quoted: false,
        in_chunk: false,
    }
}

impl Cell {
    /// A cell of a plain row, `chunk[from..to]`, in the line that starts at `line_start`.
    fn plain_in_chunk(from: usize, to: usize, line_start: usize) -> Cell {
        Cell {
            start: from,
            end: to,
            raw_start: from - line_start,
            quoted: false,
            in_chunk: true,
        }
    }
}

/// How much text a refill takes at most, before completing its last line.
const CHUNK: usize = 64 * 1024;

/// Streams the rows of a `;`-separated file.
pub struct RowReader<R> {
    input: R,
    /// The current physical chunk, valid UTF-8 (its allocation is reused).
    chunk: String,
    pos: usize,
    at_start: bool,
    /// Number of logical lines handed out so far.
    line: u32,
    row_line: u32,
    text: String,
    cells: Vec<Cell>,
    raw: String,
    /// The current row's raw text as a range of `chunk`, when it is one line.
    raw_in_chunk: Option<(usize, usize)>,
    /// An invalid byte met in a block, reported once the lines before it are read.
    deferred: Option<ReadError>,
    /// The chunk has no quote and no line break but `\n` and `\r\n` (see [`is_plain`]): its
    /// lines end at a `\n` and its cells at a `;`.
    plain: bool,
}

impl<R: BufRead> RowReader<R> {
    pub fn new(input: R) -> RowReader<R> {
        RowReader {
            input,
            chunk: String::new(),
            pos: 0,
            at_start: true,
            line: 0,
            row_line: 0,
            text: String::new(),
            cells: Vec::new(),
            raw: String::new(),
            raw_in_chunk: None,
            deferred: None,
            plain: false,
        }
    }

    /// The 1-based line where the current row starts.
    pub fn row_line(&self) -> u32 {
        self.row_line
    }

    /// The number of the last line read (the last line of a multi-line row).
    pub fn last_line(&self) -> u32 {
        self.line
    }

    /// Number of cells of the current row (0 for an empty line).
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// The unescaped text of cell `i` ("" past the end).
    pub fn cell(&self, i: usize) -> &str {
        self.cells
            .get(i)
            .and_then(|c| {
                let whole = if c.in_chunk { &self.chunk } else { &self.text };
                whole.get(c.start..c.end)
            })
            .unwrap_or("")
    }

    /// The 1-based character column of byte `offset` of cell `i`'s text (approximate after a
    /// doubled quote inside the cell).
    pub fn column(&self, i: usize, offset: usize) -> u32 {
        let raw = match self.raw_in_chunk {
            Some((a, b)) => self.chunk.get(a..b).unwrap_or(""),
            None => self.raw.as_str(),
        };
        let byte = match self.cells.get(i) {
            Some(c) => c.raw_start + offset,
            None => raw.len(),
        };
        let mut byte = byte.min(raw.len());
        while !raw.is_char_boundary(byte) {
            byte -= 1;
        }
        let chars = raw.get(..byte).map_or(0, |s| s.chars().count());
        u32::try_from(chars + 1).unwrap_or(u32::MAX)
    }

    /// The column where cell `i` begins (its opening quote, if quoted).
    pub fn cell_column(&self, i: usize) -> u32 {
        let quoted = self.cells.get(i).is_some_and(|c| c.quoted);
        let col = self.column(i, 0);
        if quoted {
            col.saturating_sub(1).max(1)
        } else {
            col
        }
    }

    /// Reads the next row. Returns `Ok(false)` at the end of the input. An empty line gives a row
    /// of zero cells; a quoted field left open continues on the next line (the line break is
    /// lost, as in Python's csv module on split lines).
    pub fn next_row(&mut self) -> Result<bool, ReadError> {
        self.text.clear();
        self.cells.clear();
        self.raw.clear();
        self.raw_in_chunk = None;
        while self.pos >= self.chunk.len() {
            if !self.refill()? {
                return Ok(false);
            }
        }
        if self.plain {
            self.plain_row();
            return Ok(true);
        }
        let Some(first) = self.next_line()? else {
            return Ok(false);
        };
        self.row_line = self.line;
        let mut pending = Some(first);
        let mut state = State::StartField;
        let mut field_start = 0usize;
        let mut raw_field_start = 0usize;
        loop {
            let (a, b) = match pending.take() {
                Some(line) => line,
                None => match self.next_line()? {
                    Some(line) => line,
                    None => {
                        return Err(ReadError::new(
                            self.row_line,
                            None,
                            "expected a closing \" for a quoted field, found the end of the file",
                        ));
                    }
                },
            };
            let line = self.chunk.get(a..b).unwrap_or("");
            // A one-line row is its own raw text in `chunk`; only rows spanning lines are copied.
            let raw_base = if self.raw_in_chunk.is_none() && self.raw.is_empty() {
                self.raw_in_chunk = Some((a, b));
                0
            } else {
                let base = self.raw.len();
                self.raw.push_str(line);
                base
            };
            if line.is_empty() && state == State::StartField && self.cells.is_empty() {
                return Ok(true);
            }
            let bytes = line.as_bytes();
            let mut run = 0usize;
            let mut i = 0usize;
            while i < bytes.len() {
                let c = bytes[i];
                match state {
                    State::StartField => {
                        field_start = self.text.len();
                        if c == b'"' {
                            state = State::InQuoted;
                            raw_field_start = raw_base + i + 1;
                            run = i + 1;
                        } else if c == b';' {
                            self.cells.push(Cell {
                                start: field_start,
                                end: field_start,
                                raw_start: raw_base + i,
                                quoted: false,
                                in_chunk: false,
                            });
                            run = i + 1;
                        } else {
                            state = State::InField;
                            raw_field_start = raw_base + i;
                            run = i;
                        }
                    }
                    State::InField => {
                        // Jump to the next separator: most cells hold no quotes.
                        if c != b';' {
                            match bytes
                                .get(i..)
                                .and_then(|r| r.iter().position(|&x| x == b';'))
                            {
                                Some(k) => i += k,
                                None => i = bytes.len(),
                            }
                            if i >= bytes.len() {
                                break;
                            }
                        }
                        {
                            self.cells.push(plain_cell(
                                &mut self.text,
                                line,
                                self.raw_in_chunk.map(|_| a),
                                (run, i),
                                (field_start, raw_field_start),
                            ));
                            state = State::StartField;
                            run = i + 1;
                        }
                    }
                    State::InQuoted => {
                        if c == b'"' {
                            self.text.push_str(line.get(run..i).unwrap_or(""));
                            state = State::QuoteInQuoted;
                            run = i + 1;
                        }
                    }
                    State::QuoteInQuoted => {
                        if c == b'"' {
                            // A doubled quote stands for one quote.
                            self.text.push('"');
                            state = State::InQuoted;
                            run = i + 1;
                        } else if c == b';' {
                            self.cells.push(Cell {
                                start: field_start,
                                end: self.text.len(),
                                raw_start: raw_field_start,
                                quoted: true,
                                in_chunk: false,
                            });
                            state = State::StartField;
                            run = i + 1;
                        } else {
                            // Python's non-strict csv keeps what follows a closing quote.
                            state = State::InField;
                            run = i;
                        }
                    }
                }
                i += 1;
            }
            match state {
                State::InQuoted => {
                    self.text.push_str(line.get(run..).unwrap_or(""));
                    field_start = self.copy_chunk_cells(field_start);
                    if let Some((a, b)) = self.raw_in_chunk.take() {
                        // The next line may need a new chunk: keep this one's text.
                        let first_line = self.chunk.get(a..b).unwrap_or("").to_owned();
                        self.raw.push_str(&first_line);
                    }
                    continue;
                }
                State::StartField => {
                    // The line ended right after a `;`: one more, empty, cell.
                    self.cells.push(Cell {
                        start: self.text.len(),
                        end: self.text.len(),
                        raw_start: raw_base + bytes.len(),
                        quoted: false,
                        in_chunk: false,
                    });
                }
                State::InField => {
                    self.cells.push(plain_cell(
                        &mut self.text,
                        line,
                        self.raw_in_chunk.map(|_| a),
                        (run, bytes.len()),
                        (field_start, raw_field_start),
                    ));
                }
                State::QuoteInQuoted => {
                    self.cells.push(Cell {
                        start: field_start,
                        end: self.text.len(),
                        raw_start: raw_field_start,
                        quoted: true,
                        in_chunk: false,
                    });
                }
            }
            return Ok(true);
        }
    }

    /// The next row of a plain chunk (see [`is_plain`]), which begins at `pos`: one line, no
    /// quotes, so every cell is a range of the chunk between separators. The line's `;` and its
    /// `\n` are found eight bytes at a time.
    fn plain_row(&mut self) {
        let bytes = self.chunk.as_bytes();
        let start = self.pos;
        self.line = self.line.saturating_add(1);
        self.row_line = self.line;
        let mut from = start;
        let mut i = start;
        let end = 'scan: loop {
            let word = bytes
                .get(i..i + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok());
            let Some(word) = word else {
                // The last bytes of the chunk, one at a time.
                while let Some(&c) = bytes.get(i) {
                    if c == b'\n' {
                        break 'scan i;
                    }
                    if c == b';' {
                        self.cells.push(Cell::plain_in_chunk(from, i, start));
                        from = i + 1;
                    }
                    i += 1;
                }
                break bytes.len();
            };
            let w = u64::from_le_bytes(word);
            let mut hits = byte_mask(w, b';') | byte_mask(w, b'\n');
            while hits != 0 {
                let k = i + (hits.trailing_zeros() / 8) as usize;
                if bytes.get(k) == Some(&b'\n') {
                    break 'scan k;
                }
                self.cells.push(Cell::plain_in_chunk(from, k, start));
                from = k + 1;
                hits &= hits - 1;
            }
            i += 8;
        };
        self.pos = (end + 1).min(bytes.len());
        // A plain chunk has `\r` only before `\n`: it belongs to the line break.
        let line_end = if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        self.raw_in_chunk = Some((start, line_end));
        if line_end == start {
            return;
        }
        self.cells
            .push(Cell::plain_in_chunk(from, line_end.max(from), start));
    }

    /// Before a row continues on the next line, which may need a new chunk: the cells still
    /// pointing into this chunk get their own copy. The open quoted field, `text[field_start..]`,
    /// moves after those copies; returns where it now starts.
    fn copy_chunk_cells(&mut self, field_start: usize) -> usize {
        if !self.cells.iter().any(|c| c.in_chunk) {
            return field_start;
        }
        let open = self.text.split_off(field_start.min(self.text.len()));
        for c in self.cells.iter_mut().filter(|c| c.in_chunk) {
            let start = self.text.len();
            self.text
                .push_str(self.chunk.get(c.start..c.end).unwrap_or(""));
            *c = Cell {
                start,
                end: self.text.len(),
                in_chunk: false,
                ..*c
            };
        }
        let start = self.text.len();
        self.text.push_str(&open);
        start
    }

    /// The next logical line as a byte range of `self.chunk`, reading a new chunk when needed.
    fn next_line(&mut self) -> Result<Option<(usize, usize)>, ReadError> {
        loop {
            if self.pos < self.chunk.len() {
                let start = self.pos;
                let bytes = self.chunk.as_bytes();
                self.line = self.line.saturating_add(1);
                return Ok(Some(match find_line_break(bytes, start) {
                    Some((i, len)) => {
                        self.pos = i + len;
                        (start, i)
                    }
                    None => {
                        self.pos = bytes.len();
                        (start, bytes.len())
                    }
                }));
            }
            if !self.refill()? {
                return Ok(None);
            }
        }
    }

    fn refill(&mut self) -> Result<bool, ReadError> {
        if let Some(e) = self.deferred.take() {
            return Err(e);
        }
        let mut buf = std::mem::take(&mut self.chunk).into_bytes();
        buf.clear();
        self.pos = 0;
        let io_error = |e: std::io::Error| {
            ReadError::new(self.line + 1, None, format!("cannot read the input: {e}"))
        };
        // Whole lines, many at a time: what the input has buffered, up to CHUNK bytes, then the
        // rest of its last line. One copy and one UTF-8 check per block, not per line.
        let avail = self.input.fill_buf().map_err(io_error)?;
        let take = avail.len().min(CHUNK);
        buf.extend_from_slice(avail.get(..take).unwrap_or(&[]));
        self.input.consume(take);
        let n = if buf.last().is_some_and(|&c| c == b'\n') {
            take
        } else {
            take + self.input.read_until(b'\n', &mut buf).map_err(io_error)?
        };
        if n == 0 {
            self.chunk = String::from_utf8(buf).unwrap_or_default();
            return Ok(false);
        }
        if self.at_start {
            self.at_start = false;
            if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                buf.drain(..3);
            }
        }
        self.plain = is_plain(&buf);
        match String::from_utf8(buf) {
            Ok(s) => {
                self.chunk = s;
                Ok(true)
            }
            Err(e) => {
                let bytes = e.as_bytes();
                let bad = e.utf8_error().valid_up_to();
                let valid = std::str::from_utf8(bytes.get(..bad).unwrap_or(&[])).unwrap_or("");
                let (mut line, mut col_from) = (self.line + 1, 0usize);
                let mut from = 0;
                while let Some((i, len)) = find_line_break(valid.as_bytes(), from) {
                    line += 1;
                    from = i + len;
                    col_from = from;
                }
                let column = valid.get(col_from..).map_or(0, |s| s.chars().count()) + 1;
                let err = ReadError::new(
                    line,
                    u32::try_from(column).ok(),
                    "expected UTF-8 text, found an invalid byte sequence",
                );
                // The lines before the bad one are read first, as when reading line by line, so
                // that an earlier problem is the one reported.
                match valid.get(..col_from).filter(|v| !v.is_empty()) {
                    Some(lines) => {
                        self.chunk = lines.to_owned();
                        self.deferred = Some(err);
                        Ok(true)
                    }
                    None => Err(err),
                }
            }
        }
    }
}

/// The high bit of each byte of `w` that equals `x` (exact: no carry crosses bytes).
fn byte_mask(w: u64, x: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let v = w ^ (u64::from(x) * 0x0101_0101_0101_0101);
    !(((v & LOW7) + LOW7) | v) & !LOW7
}

/// Whether `b` holds no `"` and no byte that could begin a line break but `\n`, and `\r` only
/// right before a `\n`: its lines can then be cut at each `\n` (less a `\r` before it) and its
/// cells at each `;`, as most Pabulib files allow.
///
/// One pass without early exit, so that it runs on wide registers: most blocks are plain.
fn is_plain(b: &[u8]) -> bool {
    let odd = |c: u8, n: u8| {
        (c == b'"')
            | (c == 0x0b)
            | (c == 0x0c)
            | (c.wrapping_sub(0x1c) < 3)
            | (c == 0xC2)
            | (c == 0xE2)
            | ((c == b'\r') & (n != b'\n'))
    };
    let Some((&last, _)) = b.split_last() else {
        return true;
    };
    let next = b.get(1..).unwrap_or(&[]);
    let mut any = odd(last, 0);
    // Blocks of 64 pairs with no early exit inside, which the compiler turns into vector code.
    for (cs, ns) in b.chunks(64).zip(next.chunks(64)) {
        any |= cs
            .iter()
            .zip(ns)
            .fold(false, |acc, (&c, &n)| acc | odd(c, n));
        if any {
            return false;
        }
    }
    !any
}

/// Bytes that can begin a line break for `str.splitlines()`.
static MAY_BREAK: [bool; 256] = {
    let mut t = [false; 256];
    let starts: [u8; 9] = [b'\n', b'\r', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0xC2, 0xE2];
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] = true;
        k += 1;
    }
    t
};

/// Finds the next line break at or after `from`, as Python's `str.splitlines()` sees them:
/// `\n`, `\r\n`, `\r`, `\v`, `\f`, `\x1c`–`\x1e`, U+0085, U+2028, U+2029. Returns its position
/// and byte length.
pub fn find_line_break(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < b.len() {
        // Skip ordinary bytes fast: only these can start a line break.
        match b
            .get(i..)
            .and_then(|r| r.iter().position(|&x| MAY_BREAK[x as usize]))
        {
            Some(k) => i += k,
            None => return None,
        }
        match b[i] {
            b'\n' | 0x0b | 0x0c | 0x1c | 0x1d | 0x1e => return Some((i, 1)),
            b'\r' => return Some((i, if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 })),
            0xC2 if b.get(i + 1) == Some(&0x85) => return Some((i, 2)),
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)) => {
                return Some((i, 3));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(input: &str) -> Vec<(u32, Vec<String>)> {
        let mut r = RowReader::new(input.as_bytes());
        let mut out = Vec::new();
        while r.next_row().unwrap() {
            out.push((
                r.row_line(),
                (0..r.len()).map(|i| r.cell(i).to_owned()).collect(),
            ));
        }
        out
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splits_like_python_splitlines_and_csv() {
        let got = rows("\u{feff}a;b\r\nc\rd;\"e;f\"\n\n\"x\"\"y\";z\u{2028}w");
        assert_eq!(
            got,
            vec![
                (1, cells(&["a", "b"])),
                (2, cells(&["c"])),
                (3, cells(&["d", "e;f"])),
                (4, vec![]),
                (5, cells(&["x\"y", "z"])),
                (6, cells(&["w"])),
            ]
        );
    }

    #[test]
    fn quotes_behave_like_non_strict_csv() {
        assert_eq!(rows("ab\"c;d")[0].1, cells(&["ab\"c", "d"]));
        assert_eq!(rows("\"ab\"c;d")[0].1, cells(&["abc", "d"]));
        assert_eq!(rows("a;")[0].1, cells(&["a", ""]));
        assert_eq!(rows(";")[0].1, cells(&["", ""]));
        // An open quote joins the next line without a line break.
        assert_eq!(rows("\"a;b\nc\";d\ne")[0], (1, cells(&["a;bc", "d"])));
        assert_eq!(rows("\"a;b\nc\";d\ne")[1], (3, cells(&["e"])));
        assert!(RowReader::new("\"open".as_bytes()).next_row().is_err());
    }

    #[test]
    fn columns_count_characters() {
        let mut r = RowReader::new("ąę;\"x\";abc".as_bytes());
        assert!(r.next_row().unwrap());
        assert_eq!(r.cell_column(0), 1);
        assert_eq!(r.cell_column(1), 4);
        assert_eq!(r.column(2, 1), 9);
    }

    #[test]
    fn a_quoted_field_continues_across_blocks() {
        // The first block ends right after the quoted field's first line.
        let pad = (CHUNK - 3 - 3) / 2;
        let mut text = format!("pp\n{}", "p\n".repeat(pad));
        assert_eq!(text.len(), CHUNK - 3);
        text.push_str("\"a\nb\";c\nlast\n");
        let mut r = RowReader::new(text.as_bytes());
        let mut rows = 0u32;
        while r.next_row().unwrap() {
            rows += 1;
            if r.cell(0) == "ab" {
                break;
            }
        }
        assert_eq!(rows as usize, pad + 2);
        assert_eq!((r.cell(1), r.row_line()), ("c", rows));
        assert!(r.next_row().unwrap());
        assert_eq!((r.cell(0), r.row_line()), ("last", rows + 2));
    }

    #[test]
    fn plain_cells_before_a_quoted_field_survive_a_new_block() {
        // The first block ends inside the quoted field, after two plain cells of its row.
        let pad = (CHUNK - 3 - 9) / 2;
        let mut text = format!("pp\n{}", "p\n".repeat(pad));
        text.push_str("x;yyy;\"a\n");
        assert_eq!(text.len(), CHUNK);
        text.push_str("b\";c\n");
        let mut r = RowReader::new(text.as_bytes());
        while r.next_row().unwrap() {
            if r.len() > 1 {
                break;
            }
        }
        let cells: Vec<&str> = (0..r.len()).map(|i| r.cell(i)).collect();
        assert_eq!(cells, ["x", "yyy", "ab", "c"]);
    }

    #[test]
    fn text_after_a_closing_quote_joins_the_quoted_text() {
        let mut r = RowReader::new(&b"a;\"b\"\"c\";\"q\"tail;;z\n"[..]);
        assert!(r.next_row().unwrap());
        let cells: Vec<&str> = (0..r.len()).map(|i| r.cell(i)).collect();
        assert_eq!(cells, ["a", "b\"c", "qtail", "", "z"]);
        assert_eq!(r.cell_column(1), 3);
        assert_eq!(r.column(4, 0), 19);
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let mut r = RowReader::new(&b"a\nb\xffc\n"[..]);
        assert!(r.next_row().unwrap());
        let e = r.next_row().unwrap_err();
        assert_eq!((e.line, e.column), (2, Some(2)));
    }

    /// Lines and cells of text without quotes or unusual line breaks, cut by hand.
    fn cut_by_hand(text: &str) -> Vec<(u32, Vec<(String, u32)>)> {
        let mut lines: Vec<&str> = text.split('\n').collect();
        if text.ends_with('\n') {
            lines.pop();
        }
        lines
            .iter()
            .enumerate()
            .map(|(k, line)| {
                let line = line.strip_suffix('\r').unwrap_or(line);
                let mut col = 1;
                let cells = if line.is_empty() {
                    Vec::new()
                } else {
                    line.split(';')
                        .map(|c| {
                            let at = col;
                            col += c.chars().count() as u32 + 1;
                            (c.to_owned(), at)
                        })
                        .collect()
                };
                (k as u32 + 1, cells)
            })
            .collect()
    }

    fn rows_with_columns(text: &str) -> Vec<(u32, Vec<(String, u32)>)> {
        let mut r = RowReader::new(text.as_bytes());
        let mut out = Vec::new();
        while r.next_row().unwrap() {
            let cells = (0..r.len())
                .map(|i| (r.cell(i).to_owned(), r.column(i, 0)))
                .collect();
            out.push((r.row_line(), cells));
        }
        out
    }

    /// Text of several blocks from pseudo-random pieces: LF and CRLF lines, empty lines and
    /// cells, separators at every offset of the eight-byte words, letters of two bytes.
    fn plain_text(seed: u64, crlf: bool) -> String {
        let pieces = [
            "",
            "a",
            "12",
            ";",
            "ł",
            "voter_7",
            ";;",
            "Psie Pole-Zawidawie",
        ];
        let mut x = seed;
        let mut text = String::new();
        while text.len() < 3 * CHUNK + 100 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (x >> 60) as usize;
            for k in 0..n {
                let i = ((x >> (4 * k as u64 % 56)) & 7) as usize;
                text.push_str(pieces[i]);
            }
            text.push_str(if crlf && x & 1 == 1 { "\r\n" } else { "\n" });
        }
        text
    }

    #[test]
    fn plain_blocks_cut_rows_as_by_hand() {
        for (seed, crlf) in [(1, false), (2, true), (3, true)] {
            let text = plain_text(seed, crlf);
            assert!(is_plain(text.as_bytes()));
            assert_eq!(rows_with_columns(&text), cut_by_hand(&text), "seed {seed}");
            // The last line without its line break.
            let cut = text.trim_end_matches(['\r', '\n']);
            assert_eq!(rows_with_columns(cut), cut_by_hand(cut), "seed {seed}");
        }
    }

    #[test]
    fn blocks_switch_between_plain_and_general_rows() {
        // A plain block, then one with a quoted field across lines and a lone CR, then plain.
        let plain = plain_text(4, true);
        let mut text = plain.clone();
        text.push_str("q;\"x;\r\ny\";z\rlast;1\n");
        let after = plain_text(5, false);
        text.push_str(&after);
        let rows = rows_with_columns(&text);
        let head = cut_by_hand(&plain);
        let n = head.len();
        assert_eq!(rows.get(..n), Some(&head[..]));
        let cells = |r: &(u32, Vec<(String, u32)>)| -> Vec<String> {
            r.1.iter().map(|(c, _)| c.clone()).collect()
        };
        assert_eq!(cells(&rows[n]), ["q", "x;y", "z"]);
        assert_eq!(rows[n].0, n as u32 + 1);
        assert_eq!(cells(&rows[n + 1]), ["last", "1"]);
        assert_eq!(rows[n + 1].0, n as u32 + 3);
        let tail: Vec<_> = cut_by_hand(&after)
            .into_iter()
            .map(|(line, cells)| (line + n as u32 + 3, cells))
            .collect();
        assert_eq!(rows.get(n + 2..), Some(&tail[..]));
    }

    #[test]
    fn plain_means_no_quote_and_only_lf_or_crlf_breaks() {
        assert!(is_plain(b""));
        assert!(is_plain("a;b\r\nc;\u{e9}\n".as_bytes()));
        for odd in [
            "a\"b",
            "a\rb",
            "a\r",
            "a\x0bb",
            "a\x1db",
            "a\u{85}",
            "a\u{2028}b",
            "a\u{a0}",
        ] {
            assert!(!is_plain(odd.as_bytes()), "{odd:?}");
        }
        // A CRLF across the 64-byte blocks of the test.
        let mut t = "x".repeat(63);
        t.push_str("\r\n");
        assert!(is_plain(t.as_bytes()));
        t.push('\r');
        assert!(!is_plain(t.as_bytes()));
    }

    #[test]
    fn byte_mask_marks_exactly_the_equal_bytes() {
        let w = u64::from_le_bytes(*b";a;\xbb;\x3a\x3c;");
        assert_eq!(byte_mask(w, b';'), 0x8000_0080_0080_0080);
        assert_eq!(byte_mask(u64::MAX, 0xff), 0x8080_8080_8080_8080);
        assert_eq!(byte_mask(0, b';'), 0);
    }
}
