//! Reads a state dict saved by `torch.save` in the legacy (pre-1.6, non-zip) format, the
//! format of the pretrained EfficientNet-Lite0 file (native only, used by prepare-data).
//!
//! The pickles are parsed by candle's maintained unpickler (`candle_core::pickle`), which
//! also turns each `_rebuild_tensor_v2` call into a typed tensor description; this module
//! adds only the legacy container around them: five pickles (magic number, protocol
//! version, system info, the state dict with storages as persistent ids, the sorted list of
//! storage keys), then each storage as an 8-byte little-endian element count followed by
//! its raw little-endian elements. Every count read from the file is checked against the
//! bytes that are left before anything is allocated or copied.

use std::collections::HashMap;
use std::io::Cursor;

use candle_core::pickle::{Object, Stack};
use candle_core::DType;

use crate::error::{DataError, Result};

/// `torch.serialization.PROTOCOL_VERSION`.
const PROTOCOL: u16 = 1001;
/// The first pickle: protocol 2, LONG1 of 10 bytes = `MAGIC_NUMBER` 0x1950a86a20f9469cfc6c,
/// STOP.
const MAGIC_PICKLE: [u8; 15] = [
    0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
];
/// The second pickle: protocol 2, BININT2 1001, STOP.
const PROTOCOL_PICKLE: [u8; 6] = [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e];

/// One float tensor of the state dict, as f32 in row-major (C) order.
#[derive(Debug, Clone, PartialEq)]
pub struct TorchTensor {
    /// State-dict key (`_blocks.0._depthwise_conv.weight`).
    pub name: String,
    /// Shape.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values.
    pub values: Vec<f32>,
}

/// The float tensors of a legacy `torch.save` state dict, in file order; integer tensors
/// (`num_batches_tracked`) are left out. `label` names the file in errors.
pub fn read_state_dict(bytes: &[u8], label: &str) -> Result<Vec<TorchTensor>> {
    let bad = |reason: String| DataError::malformed(label, reason);
    // The magic number and protocol version are fixed pickles, compared as bytes: candle's
    // unpickler cannot hold the 10-byte magic number (its LONG1 decoder shifts past 64 bits).
    let Some(rest) = bytes.strip_prefix(&MAGIC_PICKLE[..]) else {
        return Err(bad(
            "not a legacy torch.save file (no magic number; a zip-format .pth is not this \
             reader's)"
                .into(),
        ));
    };
    let Some(rest) = rest.strip_prefix(&PROTOCOL_PICKLE[..]) else {
        return Err(bad(format!("protocol version is not {PROTOCOL}")));
    };
    let mut r = Cursor::new(rest);
    pickle(&mut r).map_err(|e| bad(format!("system info: {e}")))?;
    let state = pickle(&mut r).map_err(|e| bad(format!("state dict: {e}")))?;
    let keys = pickle(&mut r).map_err(|e| bad(format!("storage keys: {e}")))?;
    let keys: Vec<String> = match keys {
        Object::List(items) => items
            .into_iter()
            .map(|k| k.unicode().map_err(|o| bad(format!("storage key {o:?}"))))
            .collect::<Result<_>>()?,
        other => return Err(bad(format!("storage keys are {other:?}, not a list"))),
    };
    let entries = match state {
        Object::Build { callable, .. } => state_items(*callable),
        other => state_items(other),
    }
    .map_err(bad)?;
    let mut infos = Vec::with_capacity(entries.len());
    let mut dtypes = HashMap::new();
    for (name, value) in entries {
        let name_text = match &name {
            Object::Unicode(s) => s.clone(),
            other => return Err(bad(format!("a state-dict key is {other:?}"))),
        };
        check_rebuild_args(&value).map_err(|e| bad(format!("{name_text}: {e}")))?;
        let info = value
            .into_tensor_info(name, std::path::Path::new(""))
            .map_err(|e| bad(format!("{name_text}: {e}")))?;
        // `state_dict()` carries its module versions as the attribute `_metadata`, which the
        // unpickler's BUILD merges into the items.
        let Some(info) = info else {
            if name_text == "_metadata" {
                continue;
            }
            return Err(bad(format!("{name_text} is not a tensor")));
        };
        let key = info.path.trim_start_matches('/').to_string();
        if let Some(other) = dtypes.insert(key.clone(), info.dtype) {
            if other != info.dtype {
                return Err(bad(format!(
                    "storage `{key}` is read as {other:?} and {:?}",
                    info.dtype
                )));
            }
        }
        infos.push((name_text, key, info));
    }
    let storages = read_storages(rest, r.position() as usize, &keys, &dtypes, label)?;
    let mut out = Vec::new();
    for (name, key, info) in infos {
        if info.dtype == DType::I64 {
            continue;
        }
        if info.dtype != DType::F32 {
            return Err(bad(format!(
                "{name}: {:?} tensors are not read here",
                info.dtype
            )));
        }
        let storage = storages
            .get(&key)
            .ok_or_else(|| bad(format!("{name}: storage `{key}` is not in the file")))?;
        let values = gather_f32(storage, &info.layout).map_err(|e| bad(format!("{name}: {e}")))?;
        out.push(TorchTensor {
            name,
            shape: info.layout.dims().to_vec(),
            values,
        });
    }
    Ok(out)
}

/// Checks the shape of a `_rebuild_tensor_v2(storage, offset, size, stride, …)` record
/// before candle's `into_tensor_info` reads it by position (it would panic on a short
/// tuple, or overflow on a negative offset): at least four arguments, a persistent-id
/// storage tuple of at least five items, an offset in `0 ..= 2^40`. Anything that is not such
/// a call passes through (candle then reports it as not a tensor).
fn check_rebuild_args(value: &Object) -> std::result::Result<(), String> {
    let Object::Reduce { callable, args } = value else {
        return Ok(());
    };
    if !matches!(callable.as_ref(), Object::Class { class_name, .. } if class_name == "_rebuild_tensor_v2")
    {
        return Ok(());
    }
    let Object::Tuple(args) = args.as_ref() else {
        return Err("tensor record arguments are not a tuple".into());
    };
    if args.len() < 4 {
        return Err(format!(
            "tensor record has {} arguments, expected at least 4",
            args.len()
        ));
    }
    match &args[0] {
        Object::PersistentLoad(id) if matches!(id.as_ref(), Object::Tuple(t) if t.len() >= 5) => {}
        other => return Err(format!("tensor storage record is {other:?}")),
    }
    match &args[1] {
        Object::Int(o) if *o >= 0 => Ok(()),
        Object::Long(o) if (0..=1 << 40).contains(o) => Ok(()),
        other => Err(format!("tensor storage offset is {other:?}")),
    }
}

/// One pickle from `r` (up to its STOP op code), its op codes checked first
/// ([`check_op_codes`]) so that candle's unpickler never sizes a buffer from a length the
/// input does not hold.
fn pickle(r: &mut Cursor<&[u8]>) -> std::result::Result<Object, String> {
    let rest = r.get_ref().get(r.position() as usize..).unwrap_or_default();
    check_op_codes(rest)?;
    let mut stack = Stack::empty();
    stack.read_loop(r).map_err(|e| e.to_string())?;
    stack.finalize().map_err(|e| e.to_string())
}

/// Walks the op codes of one pickle (those candle's unpickler reads) up to STOP: every
/// argument must lie inside `bytes` (BINUNICODE's length is checked before candle allocates
/// it), and LONG1 may hold at most 8 bytes (candle shifts each byte into an i64).
fn check_op_codes(bytes: &[u8]) -> std::result::Result<(), String> {
    let mut at = 0usize;
    let need = |at: usize, n: usize| -> std::result::Result<usize, String> {
        at.checked_add(n)
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| format!("op code argument at byte {at} runs past the end"))
    };
    loop {
        let op = *bytes.get(at).ok_or("pickle ends without STOP")?;
        at += 1;
        at = match op {
            b'.' => return Ok(()),
            0x80 | b'q' | b'h' | b'K' => need(at, 1)?,
            b'M' => need(at, 2)?,
            b'r' | b'j' | b'J' => need(at, 4)?,
            b'G' => need(at, 8)?,
            b'X' => {
                let end = need(at, 4)?;
                let len =
                    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
                need(end, len as usize)?
            }
            0x8a => {
                let end = need(at, 1)?;
                let n = bytes[at] as usize;
                if n > 8 {
                    return Err(format!(
                        "LONG1 of {n} bytes at byte {at} (at most 8 are read)"
                    ));
                }
                need(end, n)?
            }
            b'c' => {
                let mut end = at;
                for _ in 0..2 {
                    let line = bytes[end..].iter().position(|&b| b == b'\n');
                    end += line.ok_or("GLOBAL name without a newline")? + 1;
                }
                end
            }
            b')'
            | b'R'
            | b'('
            | b't'
            | b'Q'
            | 0x85..=0x89
            | b'N'
            | b's'
            | b'u'
            | b'}'
            | b'd'
            | b'b'
            | 0x81
            | b']'
            | b'a'
            | b'e' => at,
            other => {
                return Err(format!(
                    "unsupported op code 0x{other:02x} at byte {}",
                    at - 1
                ))
            }
        };
    }
}

/// The `(key, value)` pairs of an `OrderedDict` as candle's unpickler leaves it: a dict,
/// or `OrderedDict()` reduced and then filled by SETITEMS into its args.
fn state_items(obj: Object) -> std::result::Result<Vec<(Object, Object)>, String> {
    match obj {
        Object::Dict(items) => Ok(items),
        Object::Reduce { args, .. } => state_items(*args),
        Object::Tuple(mut items) if !items.is_empty() => state_items(items.remove(0)),
        other => Err(format!("the state dict is {other:?}, not a dict")),
    }
}

/// A storage's raw elements.
struct Storage<'a> {
    bytes: &'a [u8],
}

/// Storages in key order after `offset`: an 8-byte element count, then the elements, whose
/// size comes from the storage class the state dict names for that key.
fn read_storages<'a>(
    bytes: &'a [u8],
    mut offset: usize,
    keys: &[String],
    dtypes: &HashMap<String, DType>,
    label: &str,
) -> Result<HashMap<String, Storage<'a>>> {
    let bad = |reason: String| DataError::malformed(label, reason);
    let mut out = HashMap::new();
    for key in keys {
        let dtype = dtypes
            .get(key)
            .ok_or_else(|| bad(format!("storage `{key}` belongs to no tensor")))?;
        let head = bytes
            .get(offset..offset + 8)
            .ok_or_else(|| bad(format!("truncated before storage `{key}`")))?;
        let count = u64::from_le_bytes(head.try_into().unwrap_or([0; 8]));
        offset += 8;
        let left = (bytes.len() - offset) as u64;
        let len = count
            .checked_mul(dtype.size_in_bytes() as u64)
            .filter(|&n| n <= left)
            .ok_or_else(|| {
                bad(format!(
                    "storage `{key}` declares {count} {dtype:?} elements, more than the {left} \
                     bytes left (truncated file?)"
                ))
            })? as usize;
        out.insert(
            key.clone(),
            Storage {
                bytes: &bytes[offset..offset + len],
            },
        );
        offset += len;
    }
    if offset != bytes.len() {
        return Err(bad(format!(
            "{} bytes after the last storage",
            bytes.len() - offset
        )));
    }
    Ok(out)
}

/// The tensor's elements (any strides, in row-major order of its shape) as f32.
fn gather_f32(
    storage: &Storage,
    layout: &candle_core::Layout,
) -> std::result::Result<Vec<f32>, String> {
    let dims = layout.dims();
    let strides = layout.stride();
    let elems = storage.bytes.len() / 4;
    let n = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .filter(|&n| n <= elems)
        .ok_or_else(|| format!("{dims:?} holds more values than its storage's {elems}"))?;
    let start = layout.start_offset() / 4;
    let max_index = dims
        .iter()
        .zip(strides)
        .try_fold(start, |acc, (d, s)| {
            d.saturating_sub(1)
                .checked_mul(*s)
                .and_then(|x| acc.checked_add(x))
        })
        .ok_or_else(|| format!("strides {strides:?} overflow"))?;
    if n > 0 && max_index >= elems {
        return Err(format!(
            "reads element {max_index} of a storage of {elems} elements"
        ));
    }
    let value = |i: usize| {
        let b = &storage.bytes[4 * i..4 * i + 4];
        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    let mut out = Vec::with_capacity(n);
    let mut index = vec![0usize; dims.len()];
    for _ in 0..n {
        let at = start + index.iter().zip(strides).map(|(i, s)| i * s).sum::<usize>();
        out.push(value(at));
        for axis in (0..dims.len()).rev() {
            index[axis] += 1;
            if index[axis] < dims[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    Ok(out)
}

/// A tiny legacy file for tests and fuzzing seeds.
#[cfg(any(test, feature = "test-fixtures"))]
#[path = "torch_legacy_fixture.rs"]
pub mod fixture;

#[cfg(test)]
#[path = "torch_legacy_tests.rs"]
mod tests;
