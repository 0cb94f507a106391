//! A CSV splitter for the shape exports nearly always have: UTF-8, `,`
//! separators, `"`-quoted cells with `""` escapes, LF or CRLF line ends.
//! Cells are slices of the input found with `memchr` (no per-byte state
//! machine and no copy into a record buffer, the two costs of the csv
//! crate, which dominated a process-tree build in wasm).
//!
//! It never guesses: on anything whose reading the csv crate should decide
//! (a BOM, blank lines, a bare CR, a quote inside an unquoted cell, text
//! after a closing quote, an unclosed quote) it answers [`Unsure`] and the
//! caller reads the input with the csv crate instead, so both paths give
//! the same table or the same error.

use memchr::{memchr, memchr3};

/// The input needs the csv crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsure;

/// Where a cell's text is in the input; `Escaped` cells hold `""` pairs,
/// unescaped only when the cell is read (most of a wide export's cells
/// never are).
#[derive(Debug, Clone, Copy)]
enum Span {
    Input(usize, usize),
    Escaped(usize, usize),
}

/// Records of a CSV text, one at a time.
pub(crate) struct FastCsv<'a> {
    text: &'a str,
    pos: usize,
    spans: Vec<Span>,
    scratch: String,
}

impl<'a> FastCsv<'a> {
    /// A splitter over `text`, or `Unsure` for a text it does not take on.
    pub(crate) fn new(text: &'a str) -> Result<FastCsv<'a>, Unsure> {
        let b = text.as_bytes();
        if text.starts_with('\u{feff}') {
            return Err(Unsure);
        }
        // A CR is only taken as part of a CRLF (checked once here, so the
        // cell scan needs to look for three bytes, not four).
        if memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n')) {
            return Err(Unsure);
        }
        Ok(FastCsv {
            text,
            pos: 0,
            spans: Vec::new(),
            scratch: String::new(),
        })
    }

    /// Reads the next record; `Ok(false)` at the end of the text.
    pub(crate) fn next_record(&mut self) -> Result<bool, Unsure> {
        let b = self.text.as_bytes();
        self.spans.clear();
        if self.pos >= b.len() {
            return Ok(false);
        }
        if matches!(b[self.pos], b'\n' | b'\r') {
            return Err(Unsure); // a blank line: the csv crate skips it
        }
        loop {
            let end = if b.get(self.pos) == Some(&b'"') {
                self.quoted()?
            } else {
                self.unquoted()?
            };
            match b.get(end) {
                Some(b',') => self.pos = end + 1,
                Some(b'\r') => {
                    self.pos = end + 2; // CRLF (a bare CR was refused in `new`)
                    return Ok(true);
                }
                Some(b'\n') => {
                    self.pos = end + 1;
                    return Ok(true);
                }
                None => {
                    self.pos = end;
                    return Ok(true);
                }
                Some(_) => return Err(Unsure),
            }
        }
    }

    /// An unquoted cell from `pos`; returns where it ends.
    fn unquoted(&mut self) -> Result<usize, Unsure> {
        let b = self.text.as_bytes();
        let start = self.pos;
        let end = memchr3(b',', b'\n', b'"', &b[start..]).map_or(b.len(), |i| start + i);
        if b.get(end) == Some(&b'"') {
            return Err(Unsure);
        }
        // A CR right before the LF ends the line, not the cell's text (and
        // there is no other: `new` refused bare CRs).
        let text_end = if end > start && b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        self.spans.push(Span::Input(start, text_end));
        Ok(text_end)
    }

    /// A quoted cell from `pos` (at its opening quote); returns the index
    /// just past its closing quote.
    fn quoted(&mut self) -> Result<usize, Unsure> {
        let b = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        let close = loop {
            let q = i + memchr(b'"', &b[i..]).ok_or(Unsure)?;
            if b.get(q + 1) == Some(&b'"') {
                escaped = true;
                i = q + 2;
            } else {
                break q;
            }
        };
        self.spans.push(if escaped {
            Span::Escaped(start, close)
        } else {
            Span::Input(start, close)
        });
        Ok(close + 1)
    }

    /// Cells of the current record.
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// Where cell `i` of the current record is in the text, when it is
    /// there as written (`None` for a cell with `""` escapes).
    pub(crate) fn span(&self, i: usize) -> Option<(usize, usize)> {
        match self.spans[i] {
            Span::Input(a, b) => Some((a, b)),
            Span::Escaped(..) => None,
        }
    }

    /// Cell `i` of the current record.
    pub(crate) fn cell(&mut self, i: usize) -> &str {
        match self.spans[i] {
            Span::Input(a, b) => &self.text[a..b],
            Span::Escaped(a, b) => {
                self.scratch.clear();
                let mut rest = &self.text[a..b];
                while let Some(q) = memchr(b'"', rest.as_bytes()) {
                    // Quotes come in pairs here: keep one of each.
                    self.scratch.push_str(&rest[..=q]);
                    rest = rest.get(q + 2..).unwrap_or("");
                }
                self.scratch.push_str(rest);
                &self.scratch
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the csv crate reads it, or `Unsure`.
    fn fast(text: &str) -> Result<Vec<Vec<String>>, Unsure> {
        let mut f = FastCsv::new(text)?;
        let mut out = Vec::new();
        while f.next_record()? {
            out.push((0..f.len()).map(|i| f.cell(i).to_string()).collect());
        }
        Ok(out)
    }

    fn csv_crate(text: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn same_records_as_the_csv_crate() {
        for text in [
            "a,b,c\n1,2,3\n",
            "a,b,c\n1,2,3",
            "a,b\r\n1,2\r\n",
            "a,b\n,\n",
            "a,b\n\"x,y\",\"q\"\"uote\"\"\"\n",
            "a,b\n\"multi\nline\",\"\"\n",
            "a,b\n\"crlf\r\ninside\",z\r\n",
            "a\n\"\"\"\"\n",
            "a,b\n1,\n",
            "héader,ü\nöl,\"naïve, yes\"\n",
            "C:\\Windows\\cmd.exe,\"cmd /c \"\"C:\\x.bat\"\"\"\n",
        ] {
            assert_eq!(fast(text), Ok(csv_crate(text)), "{text:?}");
        }
    }

    #[test]
    fn unsure_where_the_csv_crate_decides() {
        for text in [
            "\u{feff}a,b\n1,2\n",
            "a,b\n\n1,2\n",
            "a,b\r1,2\r",
            "a,b\n1,x\"y\n",
            "a,b\n\"x\"y,2\n",
            "a,b\n\"open,2\n",
            "a,b\n1,2\rx\n",
        ] {
            assert_eq!(fast(text), Err(Unsure), "{text:?}");
        }
    }
}
