use super::fixture::{fixture, header, Pickle};
use super::*;

#[test]
fn reads_float_tensors_in_their_logical_order_and_skips_integer_ones() {
    let mut t = read_state_dict(&fixture(), "fixture").unwrap();
    t.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].name, "conv.weight");
    assert_eq!(t[0].shape, vec![2, 1, 2, 2]);
    assert_eq!(t[0].values, vec![0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]);
    // Storage 0..6 viewed as [2,3] with strides [1,2]: row 0 = 0,2,4; row 1 = 1,3,5.
    assert_eq!(t[1].name, "fc.weight");
    assert_eq!(t[1].values, vec![0.0, 2.0, 4.0, 1.0, 3.0, 5.0]);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = fixture();
    for cut in 0..bytes.len() {
        let err = read_state_dict(&bytes[..cut], "cut")
            .unwrap_err()
            .to_string();
        assert!(err.contains("cut"), "{cut}: {err}");
    }
}

#[test]
fn trailing_bytes_a_huge_count_and_a_zip_file_are_refused() {
    let mut bytes = fixture();
    bytes.push(0);
    let err = read_state_dict(&bytes, "f").unwrap_err().to_string();
    assert!(err.contains("after the last storage"), "{err}");

    let mut bytes = fixture();
    let n = bytes.len();
    // The last storage's count (6 elements) becomes 2^60: refused before any copy.
    let at = n - 6 * 4 - 8;
    bytes[at..at + 8].copy_from_slice(&(1u64 << 60).to_le_bytes());
    let err = read_state_dict(&bytes, "f").unwrap_err().to_string();
    assert!(err.contains("declares"), "{err}");

    let err = read_state_dict(b"PK\x03\x04rest", "f")
        .unwrap_err()
        .to_string();
    assert!(err.contains("torch.save"), "{err}");
}

#[test]
fn a_view_past_its_storage_is_refused() {
    let bytes = fixture();
    // Shrink storage "9" from 6 to 5 elements and drop its last value.
    let n = bytes.len();
    let mut cut = bytes[..n - 4].to_vec();
    let at = n - 6 * 4 - 8;
    cut[at..at + 8].copy_from_slice(&5u64.to_le_bytes());
    let err = read_state_dict(&cut, "f").unwrap_err().to_string();
    assert!(err.contains("fc.weight"), "{err}");
}

/// A file whose one tensor record is `_rebuild_tensor_v2` with `args` built by `f`.
fn with_record(f: impl Fn(&mut Pickle)) -> Vec<u8> {
    let mut out = header();
    let mut state = Pickle::new();
    state.global("collections", "OrderedDict").op(b')').op(b'R');
    state.op(b'(').text("w");
    state.global("torch._utils", "_rebuild_tensor_v2");
    f(&mut state);
    state.op(b'R').op(b'u');
    out.extend(state.stop());
    let mut keys = Pickle::new();
    keys.op(b']').op(b'(').text("7").op(b'e');
    out.extend(keys.stop());
    out.extend(1u64.to_le_bytes());
    out.extend(1f32.to_le_bytes());
    out
}

#[test]
fn short_or_negative_tensor_records_are_errors_not_panics() {
    // Two arguments instead of six.
    let short = with_record(|p| {
        p.op(b'(').int(0).int(0).op(b't');
    });
    let err = read_state_dict(&short, "f").unwrap_err().to_string();
    assert!(err.contains("at least 4"), "{err}");
    // A storage tuple of three items.
    let storage = with_record(|p| {
        p.op(b'(');
        p.op(b'(')
            .text("storage")
            .global("torch", "FloatStorage")
            .text("7")
            .op(b't');
        p.op(b'Q').int(0).ints(&[1]).ints(&[1]).op(b't');
    });
    let err = read_state_dict(&storage, "f").unwrap_err().to_string();
    assert!(err.contains("storage record"), "{err}");
    // A negative offset (BININT -5).
    let negative = with_record(|p| {
        p.op(b'(');
        p.op(b'(')
            .text("storage")
            .global("torch", "FloatStorage")
            .text("7")
            .text("cpu")
            .int(1)
            .op(b'N')
            .op(b't');
        p.op(b'Q').op(b'J');
        p.0.extend((-5i32).to_le_bytes());
        p.ints(&[1]).ints(&[1]).op(b't');
    });
    let err = read_state_dict(&negative, "f").unwrap_err().to_string();
    assert!(err.contains("offset"), "{err}");
}

#[test]
fn lengths_past_the_input_and_long_integers_are_refused_before_candle_reads_them() {
    // found by `cargo xtask fuzz torch`: a BINUNICODE length of ~1.7 GB made candle's
    // unpickler allocate it before reading; a LONG1 of more than 8 bytes overflows its shift
    let mut out = header();
    out.extend([0x80, 2, b'X']);
    out.extend(0x6500_0000u32.to_le_bytes());
    out.extend(b"abc.");
    let err = read_state_dict(&out, "f").unwrap_err().to_string();
    assert!(err.contains("runs past the end"), "{err}");
    let mut out = header();
    out.extend([0x80, 2, 0x8a, 9]);
    out.extend([1u8; 9]);
    out.push(b'.');
    let err = read_state_dict(&out, "f").unwrap_err().to_string();
    assert!(err.contains("LONG1 of 9 bytes"), "{err}");
}
