//! The global allocator of every fuzz run: the system allocator, except that one allocation
//! above [`CAP`] is refused. A parser that sizes a buffer from a header it has not checked
//! against the input's length is a bug here: the input being run is written to
//! `<crash dir>/alloc-<sha256 prefix>` and the process aborts with the size asked for.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Largest single allocation a fuzz input may cause (the inputs are at most a few MiB).
pub const CAP: usize = 1 << 30;

/// The input being run (pointer and length; null when none), for the crash file.
static CURRENT: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static CURRENT_LEN: AtomicUsize = AtomicUsize::new(0);
static CRASH_DIR: OnceLock<PathBuf> = OnceLock::new();

/// The system allocator with the per-allocation cap.
#[derive(Debug)]
pub struct CappedAlloc;

unsafe impl GlobalAlloc for CappedAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > CAP {
            return refuse(layout.size());
        }
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > CAP {
            return refuse(layout.size());
        }
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > CAP {
            return refuse(new_size);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// Saves the current input (if any) and reports; the null return makes Rust abort.
fn refuse(size: usize) -> *mut u8 {
    let ptr = CURRENT.load(Ordering::SeqCst);
    let len = CURRENT_LEN.load(Ordering::SeqCst);
    eprintln!("fuzz: one allocation of {size} bytes (cap {CAP}) — unbounded allocation");
    if let (false, Some(dir)) = (ptr.is_null(), CRASH_DIR.get()) {
        // SAFETY: `run_guarded` keeps the input alive while it is published here.
        let input = unsafe { std::slice::from_raw_parts(ptr, len) };
        let path = dir.join(format!("alloc-{}", crate::digest(input)));
        let _ = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, input));
        eprintln!("fuzz: input saved to {}", path.display());
    }
    std::ptr::null_mut()
}

/// Where inputs that break the cap are saved (set once per process).
pub fn set_crash_dir(dir: PathBuf) {
    let _ = CRASH_DIR.set(dir);
}

/// Runs `f` with `input` published for the crash file.
pub fn run_guarded<R>(input: &[u8], f: impl FnOnce() -> R) -> R {
    CURRENT_LEN.store(input.len(), Ordering::SeqCst);
    CURRENT.store(input.as_ptr().cast_mut(), Ordering::SeqCst);
    let out = f();
    CURRENT.store(std::ptr::null_mut(), Ordering::SeqCst);
    out
}
