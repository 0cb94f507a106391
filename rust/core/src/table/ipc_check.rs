//! The framing of an Arrow IPC stream or file, checked before arrow-rs
//! reads it (issue #16).
//!
//! arrow-rs validates the arrays it builds, but it trusts the message
//! framing: a buffer whose offset points past the message body, a negative
//! block length in a file's footer, or a compressed buffer announcing a
//! terabyte of output make it panic or abort on allocation. Natively a
//! panic is caught at the boundary; in wasm (`panic = "abort"`) it kills
//! the module. So every message is walked here first, with the crate's own
//! flatbuffer verifier, and every length, offset and count the reader
//! would slice or allocate with is checked against the bytes there are.

use std::collections::HashMap;

use arrow_ipc::{root_as_footer, root_as_message, MessageHeader};
use arrow_schema::{DataType, Field, Schema};

/// What precedes a message's length since format 0.15 (arrow-ipc keeps
/// its own copy private).
const CONTINUATION_MARKER: [u8; 4] = [0xff; 4];

/// LZ4 (and ZSTD) cannot expand a block more than about 255 times; a
/// buffer that says it does is lying about the allocation it asks for.
const MAX_DECOMPRESSION_RATIO: u64 = 255;

/// Rows a batch may claim beyond what its body could hold: 8 per body byte
/// (bit-packed validity) plus this many, for columns with no buffers at
/// all (the null type), which hold rows without bytes.
const ROWS_WITHOUT_BYTES: u64 = 1 << 24;

/// Checks an Arrow IPC file (`ARROW1` magic) or stream; the message says
/// what is wrong and where.
pub(crate) fn check_ipc(bytes: &[u8]) -> Result<(), String> {
    if bytes.starts_with(b"ARROW1") {
        check_file(bytes)
    } else {
        check_stream(bytes)
    }
}

/// A message's encapsulation at `at`: the metadata's range, or `None` for
/// the end-of-stream marker.
fn prefix(bytes: &[u8], at: usize) -> Result<Option<(usize, usize)>, String> {
    let word = |i: usize| -> Result<[u8; 4], String> {
        bytes
            .get(i..i + 4)
            .map(|w| [w[0], w[1], w[2], w[3]])
            .ok_or_else(|| format!("message at byte {at} is cut short"))
    };
    let first = word(at)?;
    let (len, start) = if first == CONTINUATION_MARKER {
        (i32::from_le_bytes(word(at + 4)?), at + 8)
    } else {
        (i32::from_le_bytes(first), at + 4)
    };
    if len == 0 {
        return Ok(None);
    }
    let len =
        usize::try_from(len).map_err(|_| format!("message at byte {at} has a negative length"))?;
    let end = start
        .checked_add(len)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| format!("message at byte {at} runs past the end of the data"))?;
    Ok(Some((start, end)))
}

fn check_stream(bytes: &[u8]) -> Result<(), String> {
    let mut at = 0;
    let mut layout: Option<Layout> = None;
    while at < bytes.len() {
        let Some((start, end)) = prefix(bytes, at)? else {
            return Ok(());
        };
        let message = root_as_message(&bytes[start..end])
            .map_err(|e| format!("message at byte {at} is not valid IPC metadata ({e})"))?;
        let body_len = usize::try_from(message.bodyLength())
            .map_err(|_| format!("message at byte {at} has a negative body length"))?;
        let body_end = end
            .checked_add(body_len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                format!("message at byte {at}: its body runs past the end of the data")
            })?;
        if let Some(schema) = message.header_as_schema() {
            layout = Some(Layout::of(schema)?);
        }
        let Some(layout) = &layout else {
            return Err("the Arrow stream does not start with a schema".to_string());
        };
        check_message(&message, &bytes[end..body_end], at, layout)?;
        at = body_end;
    }
    Ok(())
}

fn check_file(bytes: &[u8]) -> Result<(), String> {
    let len = bytes.len();
    if len < 18 || !bytes.ends_with(b"ARROW1") {
        return Err("the Arrow file is cut short (no ARROW1 trailer)".to_string());
    }
    let footer_len = i32::from_le_bytes([
        bytes[len - 10],
        bytes[len - 9],
        bytes[len - 8],
        bytes[len - 7],
    ]);
    let footer_start = usize::try_from(footer_len)
        .ok()
        .and_then(|n| (len - 10).checked_sub(n))
        .filter(|&s| s >= 8)
        .ok_or_else(|| {
            format!("the Arrow file's footer length {footer_len} does not fit the file")
        })?;
    let footer = root_as_footer(&bytes[footer_start..len - 10])
        .map_err(|e| format!("the Arrow file's footer is not valid ({e})"))?;
    let Some(schema) = footer.schema() else {
        return Err("the Arrow file's footer has no schema".to_string());
    };
    let layout = Layout::of(schema)?;
    let blocks = footer
        .dictionaries()
        .into_iter()
        .flatten()
        .chain(footer.recordBatches().into_iter().flatten());
    for (i, block) in blocks.enumerate() {
        let bad = || format!("block {} of the Arrow file points outside the file", i + 1);
        let offset = usize::try_from(block.offset()).map_err(|_| bad())?;
        let meta = usize::try_from(block.metaDataLength()).map_err(|_| bad())?;
        let body = usize::try_from(block.bodyLength()).map_err(|_| bad())?;
        let meta_end = offset.checked_add(meta).ok_or_else(bad)?;
        let end = meta_end
            .checked_add(body)
            .filter(|&e| e <= footer_start)
            .ok_or_else(bad)?;
        // arrow-rs skips the prefix (8 bytes with the continuation marker,
        // else 4) and reads the rest of the block's metadata as the message.
        let skip = if bytes[offset..meta_end].starts_with(&CONTINUATION_MARKER) {
            8
        } else {
            4
        };
        if meta < skip {
            return Err(format!("block {} of the Arrow file has no message", i + 1));
        }
        let message = root_as_message(&bytes[offset + skip..meta_end]).map_err(|e| {
            format!(
                "block {} of the Arrow file is not valid IPC metadata ({e})",
                i + 1
            )
        })?;
        check_message(&message, &bytes[meta_end..end], offset, &layout)?;
    }
    Ok(())
}

/// What one buffer of a column holds, as the IPC reader will slice it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    /// Bits (validity, booleans): any length.
    Bits,
    /// Values of this many bytes each: the length must be a multiple.
    Width(usize),
}

/// The buffers and nodes a schema's record batches and each dictionary's
/// batches hold, in the order the reader takes them.
struct Layout {
    /// One entry per node; each node's buffers.
    batch: Vec<Vec<Slot>>,
    /// The same for each dictionary id's values.
    dictionaries: HashMap<i64, Vec<Vec<Slot>>>,
}

impl Layout {
    fn of(schema: arrow_ipc::Schema<'_>) -> Result<Layout, String> {
        let schema: Schema = arrow_ipc::convert::try_fb_to_schema(schema)
            .map_err(|e| format!("the Arrow schema is not valid ({e})"))?;
        let mut layout = Layout {
            batch: Vec::new(),
            dictionaries: HashMap::new(),
        };
        let mut nodes = Vec::new();
        for field in schema.fields() {
            layout.field(field, &mut nodes)?;
        }
        layout.batch = nodes;
        Ok(layout)
    }

    /// Appends `field`'s nodes (its own, then its children's) to `nodes`.
    fn field(&mut self, field: &Field, nodes: &mut Vec<Vec<Slot>>) -> Result<(), String> {
        use DataType::*;
        let unsupported = || {
            format!(
                "column {:?} is of type {}, which huntkit does not read",
                field.name(),
                field.data_type()
            )
        };
        let fixed = |dt: &DataType| dt.primitive_width().ok_or_else(unsupported);
        match field.data_type() {
            Null => nodes.push(Vec::new()),
            Boolean => nodes.push(vec![Slot::Bits, Slot::Bits]),
            Utf8 | Binary => nodes.push(vec![Slot::Bits, Slot::Width(4), Slot::Width(1)]),
            LargeUtf8 | LargeBinary => nodes.push(vec![Slot::Bits, Slot::Width(8), Slot::Width(1)]),
            // Writers may pad the values to 8 bytes (apache-arrow JS
            // does), so the length need not be whole values; arrow-rs
            // slices these by byte, never as typed values.
            FixedSizeBinary(_) => nodes.push(vec![Slot::Bits, Slot::Bits]),
            List(child) | Map(child, _) => {
                nodes.push(vec![Slot::Bits, Slot::Width(4)]);
                self.field(child, nodes)?;
            }
            LargeList(child) => {
                nodes.push(vec![Slot::Bits, Slot::Width(8)]);
                self.field(child, nodes)?;
            }
            FixedSizeList(child, _) => {
                nodes.push(vec![Slot::Bits]);
                self.field(child, nodes)?;
            }
            Struct(children) => {
                nodes.push(vec![Slot::Bits]);
                for child in children {
                    self.field(child, nodes)?;
                }
            }
            Dictionary(key, value) => {
                nodes.push(vec![Slot::Bits, Slot::Width(fixed(key)?)]);
                #[allow(deprecated)]
                let id = field.dict_id().ok_or_else(unsupported)?;
                let mut values = Vec::new();
                self.field(
                    &Field::new("values", value.as_ref().clone(), true),
                    &mut values,
                )?;
                self.dictionaries.insert(id, values);
            }
            dt if dt.is_primitive() => nodes.push(vec![Slot::Bits, Slot::Width(fixed(dt)?)]),
            // Views, unions, run-end encoded and list views: no huntkit
            // reader uses them, and their framing is the least checked.
            _ => return Err(unsupported()),
        }
        Ok(())
    }
}

/// Checks a record or dictionary batch's nodes and buffers against `body`
/// and the schema's `layout`.
fn check_message(
    message: &arrow_ipc::Message<'_>,
    body: &[u8],
    at: usize,
    layout: &Layout,
) -> Result<(), String> {
    let (batch, nodes) = match message.header_type() {
        MessageHeader::RecordBatch => (message.header_as_record_batch(), &layout.batch),
        MessageHeader::DictionaryBatch => {
            let Some(dict) = message.header_as_dictionary_batch() else {
                return Err(format!("message at byte {at} has no dictionary header"));
            };
            let Some(nodes) = layout.dictionaries.get(&dict.id()) else {
                return Err(format!(
                    "message at byte {at} is a dictionary (id {}) no column of the schema uses",
                    dict.id()
                ));
            };
            (dict.data(), nodes)
        }
        MessageHeader::Schema => return Ok(()),
        _ => return Err(format!("message at byte {at} is not a schema or a batch")),
    };
    let Some(batch) = batch else {
        return Err(format!("message at byte {at} has no batch header"));
    };
    let slots: Vec<Slot> = nodes.iter().flatten().copied().collect();
    let (have_nodes, have_buffers) = (
        batch.nodes().map_or(0, |n| n.len()),
        batch.buffers().map_or(0, |b| b.len()),
    );
    if have_nodes < nodes.len() || have_buffers < slots.len() {
        return Err(format!(
            "message at byte {at} has {have_nodes} columns and {have_buffers} buffers, the schema needs {} and {}",
            nodes.len(),
            slots.len()
        ));
    }
    let max_rows = (body.len() as u64)
        .saturating_mul(8)
        .saturating_add(ROWS_WITHOUT_BYTES);
    let rows_ok = |n: i64| u64::try_from(n).is_ok_and(|n| n <= max_rows);
    if !rows_ok(batch.length()) {
        return Err(format!(
            "message at byte {at} claims {} rows, more than its {} body bytes can hold",
            batch.length(),
            body.len()
        ));
    }
    for node in batch.nodes().into_iter().flatten() {
        if !rows_ok(node.length()) || node.null_count() < 0 || node.null_count() > node.length() {
            return Err(format!(
                "message at byte {at} has a column of {} rows with {} nulls",
                node.length(),
                node.null_count()
            ));
        }
    }
    let compressed = batch.compression().is_some();
    for (i, buffer) in batch.buffers().into_iter().flatten().enumerate() {
        let range = usize::try_from(buffer.offset())
            .ok()
            .zip(usize::try_from(buffer.length()).ok())
            .and_then(|(o, l)| Some(o..o.checked_add(l)?))
            .filter(|r| r.end <= body.len())
            .ok_or_else(|| {
                format!(
                    "message at byte {at} has a buffer (offset {}, length {}) outside its {}-byte body",
                    buffer.offset(),
                    buffer.length(),
                    body.len()
                )
            })?;
        // Fixed-width values must be whole values: arrow-rs asserts it
        // while validating (a compressed buffer: its stated plain length).
        if let (false, Some(Slot::Width(w))) = (compressed, slots.get(i)) {
            if range.len() % w != 0 {
                return Err(format!(
                    "message at byte {at} has a buffer of {} bytes holding values of {w} bytes",
                    range.len()
                ));
            }
        }
        if compressed && !range.is_empty() {
            let data = &body[range];
            let Some(prefix) = data.get(..8) else {
                return Err(format!("message at byte {at} has a compressed buffer of {} bytes, too short for its length", data.len()));
            };
            let out = i64::from_le_bytes(prefix.try_into().expect("8 bytes"));
            let most = (data.len() as u64 - 8)
                .saturating_mul(MAX_DECOMPRESSION_RATIO)
                .saturating_add(64);
            // What the buffer holds once decompressed (-1: stored as is).
            let plain = if out == -1 {
                data.len() as u64 - 8
            } else {
                out.max(0) as u64
            };
            if let Some(Slot::Width(w)) = slots.get(i) {
                if plain % *w as u64 != 0 {
                    return Err(format!(
                        "message at byte {at} has a compressed buffer of {plain} bytes holding values of {w} bytes"
                    ));
                }
            }
            if out < -1 || (out > 0 && out as u64 > most) {
                return Err(format!(
                    "message at byte {at} has a compressed buffer of {} bytes claiming {out} bytes uncompressed",
                    data.len()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_and_lying_framing_is_named() {
        assert!(check_ipc(b"").is_ok());
        assert!(check_ipc(b"\xff\xff\xff\xff\x00\x00\x00\x00").is_ok());
        let e = check_ipc(b"\xff\xff\xff\xff\x10\x00\x00\x00abc").unwrap_err();
        assert!(e.contains("runs past the end"), "{e}");
        let e = check_ipc(b"\xff\xff\xff\xff\xf0\xff\xff\xff").unwrap_err();
        assert!(e.contains("negative length"), "{e}");
        let e = check_ipc(b"ARROW1\0\0garbage").unwrap_err();
        assert!(e.contains("trailer"), "{e}");
    }
}
