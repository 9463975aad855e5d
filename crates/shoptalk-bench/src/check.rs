//! Pure bookkeeping behind the correctness checks: per-conversation seq streams (gaps,
//! duplicates, reordering), which messages of a customer were acked, and the end-of-run
//! comparison with the log read back through REST. No I/O here, so all of it is unit-tested.

/// A growable set of small non-negative integers.
#[derive(Debug, Clone, Default)]
pub struct BitSet {
    words: Vec<u64>,
    len: u64,
}

impl BitSet {
    pub fn contains(&self, i: u64) -> bool {
        self.words
            .get((i / 64) as usize)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Adds `i`; false if it was already there.
    pub fn insert(&mut self, i: u64) -> bool {
        let word = (i / 64) as usize;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let bit = 1 << (i % 64);
        let fresh = self.words[word] & bit == 0;
        self.words[word] |= bit;
        self.len += u64::from(fresh);
        fresh
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| w as u64 * 64 + b)
        })
    }
}

/// What one observed seq meant for its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Exactly the next seq.
    InOrder,
    /// Newer than the next expected seq: `skipped` seqs are (so far) missing.
    Gap { skipped: u64 },
    /// Older than one already seen but new: it arrived out of order.
    Late,
    /// Seen before.
    Duplicate,
    /// At or before the stream's starting point: not a message of this run.
    BeforeStart,
}

/// The seqs one receiver saw for one conversation. A conversation that held `base` messages
/// when the run started must continue at `base + 1`, `base + 2`, ... in that order.
#[derive(Debug, Clone)]
pub struct SeqChecker {
    base: i64,
    max: i64,
    seen: BitSet,
    pub duplicated: u64,
    pub reordered: u64,
    pub before_start: u64,
}

impl SeqChecker {
    pub fn new(base: i64) -> Self {
        Self {
            base,
            max: base,
            seen: BitSet::default(),
            duplicated: 0,
            reordered: 0,
            before_start: 0,
        }
    }

    pub fn observe(&mut self, seq: i64) -> Seen {
        if seq <= self.base {
            self.before_start += 1;
            return Seen::BeforeStart;
        }
        if !self.seen.insert((seq - self.base - 1) as u64) {
            self.duplicated += 1;
            return Seen::Duplicate;
        }
        let expected = self.max + 1;
        if seq == expected {
            self.max = seq;
            Seen::InOrder
        } else if seq > expected {
            self.max = seq;
            Seen::Gap {
                skipped: (seq - expected) as u64,
            }
        } else {
            self.reordered += 1;
            Seen::Late
        }
    }

    pub fn contains(&self, seq: i64) -> bool {
        seq > self.base && self.seen.contains((seq - self.base - 1) as u64)
    }

    /// Seqs between the start and the newest one seen that never arrived.
    pub fn missing(&self) -> u64 {
        (self.max - self.base) as u64 - self.seen.len()
    }

    /// Every distinct seq seen, ascending.
    pub fn seqs(&self) -> impl Iterator<Item = i64> + '_ {
        self.seen.iter().map(|i| i as i64 + self.base + 1)
    }

    /// How many of `reference`'s seqs this checker never saw.
    pub fn missing_from(&self, reference: &SeqChecker) -> u64 {
        reference.seqs().filter(|&s| !self.contains(s)).count() as u64
    }
}

/// `b{customer}-{n}`, the `client_msg_id` of the bench's `n`-th message of `customer`.
pub fn client_msg_id(customer: usize, n: u64) -> String {
    format!("b{customer}-{n}")
}

/// Inverse of [`client_msg_id`]; `None` for ids this tool did not make.
pub fn parse_client_msg_id(id: &str) -> Option<(usize, u64)> {
    let (customer, n) = id.strip_prefix('b')?.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(customer) || !digits(n) {
        return None;
    }
    Some((customer.parse().ok()?, n.parse().ok()?))
}

/// What REST returned for one conversation, compared with what the customer saw acked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCheck {
    /// Acked messages absent from the log.
    pub lost: u64,
    /// Bench messages present more than once in the log.
    pub duplicated: u64,
    /// The log's seqs are not exactly `1..=k` in order.
    pub seqs_not_gapless: bool,
    /// The log does not hold `base + acked` messages.
    pub count_mismatch: bool,
}

/// Checks a conversation's log (`(seq, client_msg_id)` in the order REST returned them)
/// against the messages `customer` had acked, with `base` messages there before the run.
pub fn check_log(
    log: &[(i64, Option<String>)],
    customer: usize,
    base: i64,
    acked: &BitSet,
) -> LogCheck {
    let seqs_not_gapless = log
        .iter()
        .enumerate()
        .any(|(i, (seq, _))| *seq != i as i64 + 1);
    let mut found = BitSet::default();
    let mut duplicated = 0;
    for (_, id) in log {
        if let Some((c, n)) = id.as_deref().and_then(parse_client_msg_id)
            && c == customer
            && !found.insert(n)
        {
            duplicated += 1;
        }
    }
    let lost = acked.iter().filter(|&n| !found.contains(n)).count() as u64;
    LogCheck {
        lost,
        duplicated,
        seqs_not_gapless,
        count_mismatch: log.len() as u64 != base as u64 + acked.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitset_inserts_counts_and_iterates() {
        let mut s = BitSet::default();
        assert!(s.insert(3));
        assert!(s.insert(200));
        assert!(!s.insert(3));
        assert!(s.contains(200) && !s.contains(4) && !s.contains(10_000));
        assert_eq!(s.len(), 2);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![3, 200]);
    }

    #[test]
    fn an_in_order_stream_is_clean() {
        let mut c = SeqChecker::new(0);
        for seq in 1..=100 {
            assert_eq!(c.observe(seq), Seen::InOrder);
        }
        assert_eq!(
            (c.seqs().count(), c.missing(), c.duplicated, c.reordered),
            (100, 0, 0, 0)
        );
    }

    #[test]
    fn duplicates_are_counted_and_not_seen_twice() {
        let mut c = SeqChecker::new(0);
        c.observe(1);
        c.observe(2);
        assert_eq!(c.observe(2), Seen::Duplicate);
        assert_eq!(c.observe(1), Seen::Duplicate);
        assert_eq!((c.seqs().count(), c.duplicated, c.reordered), (2, 2, 0));
    }

    #[test]
    fn a_gap_then_the_late_message_is_a_reorder_not_a_loss() {
        let mut c = SeqChecker::new(0);
        c.observe(1);
        assert_eq!(c.observe(3), Seen::Gap { skipped: 1 });
        assert_eq!(c.missing(), 1);
        assert_eq!(c.observe(2), Seen::Late);
        assert_eq!((c.missing(), c.reordered), (0, 1));
        assert_eq!(c.observe(4), Seen::InOrder);
    }

    #[test]
    fn a_gap_that_never_fills_is_missing() {
        let mut c = SeqChecker::new(0);
        for seq in [1, 2, 5, 6] {
            c.observe(seq);
        }
        assert_eq!((c.missing(), c.reordered), (2, 0));
    }

    #[test]
    fn streams_start_after_the_base() {
        let mut c = SeqChecker::new(2);
        assert_eq!(c.observe(2), Seen::BeforeStart);
        assert_eq!(c.observe(3), Seen::InOrder);
        assert_eq!(c.seqs().collect::<Vec<_>>(), vec![3]);
        assert!(c.contains(3) && !c.contains(2));
        let mut fresh = SeqChecker::new(2);
        assert_eq!(fresh.observe(4), Seen::Gap { skipped: 1 });
    }

    #[test]
    fn missing_from_compares_receivers() {
        let mut acks = SeqChecker::new(0);
        let mut agent = SeqChecker::new(0);
        for seq in 1..=5 {
            acks.observe(seq);
        }
        for seq in [1, 2, 4] {
            agent.observe(seq);
        }
        assert_eq!(agent.missing_from(&acks), 2);
        assert_eq!(acks.missing_from(&agent), 0);
    }

    #[test]
    fn client_msg_ids_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(client_msg_id(12, 7), "b12-7");
        assert_eq!(parse_client_msg_id("b12-7"), Some((12, 7)));
        for bad in [
            "",
            "b",
            "b-1",
            "b1-",
            "x1-2",
            "b1-2-3",
            "b+1-2",
            "b1-+2",
            "b99999999999999999999-1",
        ] {
            assert_eq!(parse_client_msg_id(bad), None, "{bad}");
        }
    }

    fn log(entries: &[(i64, &str)]) -> Vec<(i64, Option<String>)> {
        entries
            .iter()
            .map(|(s, id)| (*s, (!id.is_empty()).then(|| id.to_string())))
            .collect()
    }

    fn acked(ns: &[u64]) -> BitSet {
        let mut s = BitSet::default();
        for &n in ns {
            s.insert(n);
        }
        s
    }

    #[test]
    fn a_complete_log_passes() {
        let l = log(&[(1, "b3-0"), (2, "b3-1"), (3, "b3-2")]);
        assert_eq!(check_log(&l, 3, 0, &acked(&[0, 1, 2])), LogCheck::default());
    }

    #[test]
    fn a_log_with_earlier_messages_counts_them_in() {
        let l = log(&[(1, ""), (2, "b3-0")]);
        assert_eq!(check_log(&l, 3, 1, &acked(&[0])), LogCheck::default());
    }

    #[test]
    fn log_losses_duplicates_and_holes_are_reported() {
        let l = log(&[(1, "b3-0"), (2, "b3-0"), (4, "b3-2")]);
        assert_eq!(
            check_log(&l, 3, 0, &acked(&[0, 1, 2])),
            LogCheck {
                lost: 1,
                duplicated: 1,
                seqs_not_gapless: true,
                count_mismatch: false,
            }
        );
        let short = log(&[(1, "b3-0")]);
        let c = check_log(&short, 3, 0, &acked(&[0, 1]));
        assert_eq!(
            (c.lost, c.count_mismatch, c.seqs_not_gapless),
            (1, true, false)
        );
    }
}
