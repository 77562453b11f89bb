//! A tiny legacy `torch.save` file written by hand (tests, fuzzing seeds): a minimal
//! pickle writer and a three-tensor state dict.

/// A minimal pickle writer (protocol 2 op codes, as torch's legacy save emits them).
#[derive(Debug)]
pub struct Pickle(pub Vec<u8>);

impl Default for Pickle {
    fn default() -> Self {
        Self::new()
    }
}

impl Pickle {
    /// An empty pickle (PROTO 2).
    pub fn new() -> Self {
        Pickle(vec![0x80, 2])
    }
    /// One op code.
    pub fn op(&mut self, b: u8) -> &mut Self {
        self.0.push(b);
        self
    }
    /// A unicode string (BINUNICODE).
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.0.push(b'X');
        self.0.extend((s.len() as u32).to_le_bytes());
        self.0.extend(s.as_bytes());
        self
    }
    /// A small integer (BININT2).
    pub fn int(&mut self, v: u16) -> &mut Self {
        self.0.push(b'M');
        self.0.extend(v.to_le_bytes());
        self
    }
    /// A global `module.name` (GLOBAL).
    pub fn global(&mut self, module: &str, name: &str) -> &mut Self {
        self.0.push(b'c');
        self.0.extend(format!("{module}\n{name}\n").as_bytes());
        self
    }
    /// A tuple of small integers.
    pub fn ints(&mut self, v: &[u16]) -> &mut Self {
        self.op(b'(');
        for &x in v {
            self.int(x);
        }
        self.op(b't')
    }
    /// A tensor record: `_rebuild_tensor_v2(persistent(('storage', cls, key, 'cpu', numel, None)), offset,
    /// size, stride, False, OrderedDict())`.
    pub fn tensor(
        &mut self,
        class: &str,
        key: &str,
        numel: u16,
        offset: u16,
        size: &[u16],
        stride: &[u16],
    ) -> &mut Self {
        self.global("torch._utils", "_rebuild_tensor_v2");
        self.op(b'(');
        self.op(b'(')
            .text("storage")
            .global("torch", class)
            .text(key)
            .text("cpu")
            .int(numel)
            .op(b'N')
            .op(b't');
        self.op(b'Q');
        self.int(offset).ints(size).ints(stride);
        self.op(0x89); // NEWFALSE: requires_grad
        self.global("collections", "OrderedDict").op(b')').op(b'R');
        self.op(b't').op(b'R')
    }
    /// Ends the pickle (STOP) and returns its bytes.
    pub fn stop(&mut self) -> Vec<u8> {
        self.op(b'.');
        std::mem::take(&mut self.0)
    }
}

/// The three fixed pickles that open a legacy file: magic number, protocol 1001, an empty
/// system-info dict.
pub fn header() -> Vec<u8> {
    let mut out = Vec::new();
    let mut magic = Pickle::new();
    magic.op(0x8a).op(10);
    magic
        .0
        .extend(&0x1950a86a20f9469cfc6c_u128.to_le_bytes()[..10]);
    out.extend(magic.stop());
    out.extend(Pickle::new().int(1001).stop());
    out.extend(Pickle::new().op(b'}').stop());
    out
}

/// A legacy file: conv weight [2,1,2,2] (f32, storage "7"), a transposed view [2,3] of
/// storage "9" (stride [1,2]) and an i64 counter (storage "8").
pub fn fixture() -> Vec<u8> {
    let mut out = header();
    let mut state = Pickle::new();
    state.global("collections", "OrderedDict").op(b')').op(b'R');
    state.op(b'(');
    state
        .text("conv.weight")
        .tensor("FloatStorage", "7", 8, 0, &[2, 1, 2, 2], &[4, 4, 2, 1]);
    state
        .text("bn.num_batches_tracked")
        .tensor("LongStorage", "8", 1, 0, &[], &[]);
    state
        .text("fc.weight")
        .tensor("FloatStorage", "9", 6, 0, &[2, 3], &[1, 2]);
    state.op(b'u');
    out.extend(state.stop());
    let mut keys = Pickle::new();
    keys.op(b']')
        .op(b'(')
        .text("7")
        .text("8")
        .text("9")
        .op(b'e');
    out.extend(keys.stop());
    out.extend(8u64.to_le_bytes());
    for i in 0..8 {
        out.extend((i as f32 * 0.5).to_le_bytes());
    }
    out.extend(1u64.to_le_bytes());
    out.extend(42i64.to_le_bytes());
    out.extend(6u64.to_le_bytes());
    for i in 0..6 {
        out.extend((i as f32).to_le_bytes());
    }
    out
}
