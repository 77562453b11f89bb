//! Fuzzing on the stable toolchain: every parser of untrusted bytes (downloads, cache
//! entries, uploads, the worker's messages) is run on inputs mutated from valid seeds
//! ([`mutate`]), each run inside `catch_unwind`, under an allocator that refuses any one
//! allocation above [`alloc::CAP`]. A panic or an unbounded allocation is a crash: its input
//! is saved and reported. Inputs a parser accepts join the corpus, so later mutations start
//! from deeper valid shapes. `cargo xtask fuzz <target> --seconds N` runs one target;
//! `cargo xtask test` runs every target for a moment.

pub mod alloc;
pub mod mutate;
pub mod targets;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

#[global_allocator]
static ALLOCATOR: alloc::CappedAlloc = alloc::CappedAlloc;

/// One fuzz target: a parser and the valid inputs its mutations start from.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Name on the command line.
    pub name: &'static str,
    /// What it parses.
    pub what: &'static str,
    /// Valid inputs (built in code: no third-party data).
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Runs the parser; true when it accepted the input (an error is a fine answer).
    pub run: fn(&[u8]) -> bool,
}

/// An input that made a parser panic.
#[derive(Debug, Clone)]
pub struct Crash {
    /// The input.
    pub input: Vec<u8>,
    /// The panic message and location.
    pub message: String,
}

/// What one fuzz run did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Target name.
    pub target: &'static str,
    /// Inputs run (seeds included).
    pub runs: u64,
    /// Inputs the parser accepted.
    pub accepted: u64,
    /// Corpus size at the end (seeds + accepted mutants kept).
    pub corpus: usize,
    /// Distinct crashes (by message), first input of each.
    pub crashes: Vec<Crash>,
}

/// Largest input tried (mutants are cut to it).
pub const MAX_INPUT: usize = 4 << 20;
/// Largest corpus kept (oldest mutants are replaced beyond it).
const MAX_CORPUS: usize = 512;

/// The first 16 hex digits of the input's sha256 (crash file names).
pub fn digest(input: &[u8]) -> String {
    hex::encode(&Sha256::digest(input)[..8])
}

/// Every target, by name.
pub fn find(name: &str) -> Option<Target> {
    targets::all().into_iter().find(|t| t.name == name)
}

/// Runs `target` for `budget` (at least its seeds, once each) from RNG `seed`.
pub fn fuzz(target: &Target, budget: Duration, seed: u64) -> Report {
    let mut corpus = (target.seeds)();
    let seeds = corpus.len();
    let mut rng = mutate::Rng::new(seed);
    let mut crashes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let (mut runs, mut accepted) = (0u64, 0u64);
    install_panic_hook();
    FUZZING.with(|f| f.set(true));
    let start = Instant::now();
    let mut k = 0usize;
    while k < seeds || start.elapsed() < budget {
        let input = if k < seeds {
            corpus[k].clone()
        } else {
            let base = &corpus[rng.below(corpus.len())];
            let other = &corpus[rng.below(corpus.len())];
            let mut m = mutate::mutate(base, other, &mut rng);
            m.truncate(MAX_INPUT);
            m
        };
        k += 1;
        runs += 1;
        let outcome = alloc::run_guarded(&input, || {
            catch_unwind(AssertUnwindSafe(|| (target.run)(&input)))
        });
        match outcome {
            Ok(true) => {
                accepted += 1;
                if k > seeds {
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input);
                    } else {
                        let slot = seeds + rng.below(MAX_CORPUS - seeds);
                        corpus[slot] = input;
                    }
                }
            }
            Ok(false) => {}
            Err(_) => {
                let message = PANIC.with(|p| std::mem::take(&mut *p.borrow_mut()));
                crashes.entry(message).or_insert(input);
            }
        }
    }
    FUZZING.with(|f| f.set(false));
    Report {
        target: target.name,
        runs,
        accepted,
        corpus: corpus.len(),
        crashes: crashes
            .into_iter()
            .map(|(message, input)| Crash { input, message })
            .collect(),
    }
}

thread_local! {
    /// The last panic of a fuzz run on this thread: message and location.
    static PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    /// Whether this thread is inside [`fuzz`] (its panics are recorded, not printed).
    static FUZZING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that records a fuzzing thread's panics in [`PANIC`] and
/// leaves every other thread's to the default hook.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !FUZZING.with(|f| f.get()) {
                return default(info);
            }
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let payload = info.payload();
            let text = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            PANIC.with(|p| *p.borrow_mut() = format!("{text} at {at}"));
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `cargo xtask test` runs: every target for a moment, no crash.
    #[test]
    fn every_target_survives_a_short_run_and_accepts_its_seeds() {
        for target in targets::all() {
            let seeds = (target.seeds)();
            assert!(!seeds.is_empty(), "{}: no seeds", target.name);
            for (i, s) in seeds.iter().enumerate() {
                assert!((target.run)(s), "{}: seed {i} is refused", target.name);
            }
            let report = fuzz(&target, Duration::from_millis(1500), 1);
            assert!(
                report.runs > seeds.len() as u64,
                "{}: {report:?}",
                target.name
            );
            assert!(
                report.crashes.is_empty(),
                "{}: {:?}",
                target.name,
                report
                    .crashes
                    .iter()
                    .map(|c| (&c.message, digest(&c.input)))
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_panicking_parser_is_reported_with_its_input() {
        let target = Target {
            name: "panics-on-x",
            what: "test",
            seeds: || vec![b"abc".to_vec()],
            run: |b| {
                assert!(!b.contains(&b'x'), "an x");
                true
            },
        };
        let report = fuzz(&target, Duration::from_millis(300), 3);
        assert_eq!(report.crashes.len(), 1, "{report:?}");
        assert!(report.crashes[0].message.starts_with("an x at "));
        assert!(report.crashes[0].input.contains(&b'x'));
    }
}
