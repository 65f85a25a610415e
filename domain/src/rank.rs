//! The board's order. Every task has a rank, a string of base-36 digits compared byte by
//! byte (fractional indexing): a column lists its tasks by rank. Moving a task writes its
//! own rank only, a key strictly between those of its new neighbours, so people reordering
//! at once never renumber each other's tasks and the order cannot break; a move between
//! neighbours that are no longer in that order is refused (the mover's view was stale).
//!
//! New tasks go to the top: task `n` gets [`for_new`]`(n)`, a 12-digit head that falls as
//! numbers rise, and every rank stays above [`floor`]`(last number)`, the bound a move to
//! the very top is placed under. Keys end with the moved task's number in digits `1`–`z`,
//! so two tasks dropped into the same gap at the same moment still get different ranks.
//! Ranks are compared in Rust, never by the database (whose collation may differ).

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const TOP: u64 = 999_999_999_999;

/// No rank of the org is below this once its last task has number `last`.
pub fn floor(last: i64) -> String {
    format!("{:012}", TOP.saturating_sub(last.max(0) as u64))
}

/// The rank of a new task numbered `number`: above every task created before it.
pub fn for_new(number: i64) -> String {
    format!("{}i", floor(number))
}

/// Whether `rank` is a well-formed key (what [`between`] accepts as a bound).
pub fn is_valid(rank: &str) -> bool {
    !rank.is_empty() && !rank.ends_with('0') && rank.bytes().all(|b| digit(b).is_some())
}

fn digit(b: u8) -> Option<usize> {
    DIGITS.iter().position(|d| *d == b)
}

/// A rank strictly between `lo` and `hi` (a missing bound is open) for task `number`;
/// none when `lo` is not below `hi`.
pub fn between(lo: Option<&str>, hi: Option<&str>, number: i64) -> Option<String> {
    let lo = lo.unwrap_or("");
    if lo.bytes().any(|b| digit(b).is_none()) || hi.is_some_and(|h| !is_valid(h)) {
        return None;
    }
    if hi.is_some_and(|h| lo >= h) {
        return None;
    }
    // Trailing zeros do not change where `lo` sorts among valid keys.
    let a = lo.trim_end_matches('0').as_bytes();
    let b = hi.map(str::as_bytes);
    let mut key = midpoint(a, b);
    // The tag goes after the key: a prefix of `hi` would not stay below it.
    if b.is_some_and(|b| b.starts_with(&key)) {
        return None;
    }
    key.extend(tag(number));
    let key = String::from_utf8(key).ok()?;
    (key.as_str() > lo && hi.is_none_or(|h| key.as_str() < h)).then_some(key)
}

/// Digits strictly between `a` and `b` read as fractions (`a` < `b`, neither ending in 0),
/// never a prefix of `b`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    let d = |c: u8| digit(c).unwrap_or(0);
    if let Some(b) = b {
        let mut n = 0;
        while n < b.len() && a.get(n).copied().unwrap_or(b'0') == b[n] {
            n += 1;
        }
        if n > 0 {
            let mut out = b[..n].to_vec();
            out.extend(midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..])));
            return out;
        }
    }
    let da = a.first().map_or(0, |c| d(*c));
    let db = b.and_then(|b| b.first()).map_or(36, |c| d(*c));
    if db > da + 1 {
        vec![DIGITS[(da + db).div_ceil(2)]]
    } else {
        let mut out = vec![DIGITS[da]];
        out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
        out
    }
}

/// `number` in digits `1`–`z` (bijective base 35): never empty, never ending in 0.
fn tag(number: i64) -> Vec<u8> {
    let mut n = number.max(1) as u64;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(DIGITS[1 + (n % 35) as usize]);
        n /= 35;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_tasks_rank_above_older_ones_and_above_the_floor() {
        assert!(for_new(2) < for_new(1));
        assert!(for_new(1000) < for_new(999));
        assert!(floor(7) < for_new(7) && for_new(7) < floor(6));
        assert!(is_valid(&for_new(1)) && is_valid(&for_new(10)));
    }

    #[test]
    fn a_key_between_two_sorts_between_them() {
        let (a, b) = (for_new(3), for_new(2));
        let m = between(Some(&a), Some(&b), 9).unwrap();
        assert!(a < m && m < b && is_valid(&m), "{a} < {m} < {b}");
        let top = between(Some(&floor(3)), Some(&a), 5).unwrap();
        assert!(floor(3) < top && top < a, "{top}");
        let bottom = between(Some(&b), None, 4).unwrap();
        assert!(b < bottom && is_valid(&bottom));
    }

    #[test]
    fn repeated_moves_into_one_gap_keep_working() {
        let lo = for_new(2);
        let mut hi = for_new(1);
        for n in 0..200 {
            let m = between(Some(&lo), Some(&hi), n).unwrap();
            assert!(lo < m && m < hi && is_valid(&m), "{lo} < {m} < {hi}");
            hi = m;
        }
        let mut lo = floor(2);
        let hi = for_new(2);
        for n in 0..200 {
            let m = between(Some(&lo), Some(&hi), n).unwrap();
            assert!(lo < m && m < hi && is_valid(&m), "{lo} < {m} < {hi}");
            lo = m;
        }
    }

    #[test]
    fn two_tasks_dropped_into_the_same_gap_get_different_ranks() {
        let (a, b) = (for_new(3), for_new(2));
        let x = between(Some(&a), Some(&b), 7).unwrap();
        let y = between(Some(&a), Some(&b), 8).unwrap();
        assert_ne!(x, y);
        let (first, second) = if x < y { (&x, &y) } else { (&y, &x) };
        assert!(between(Some(first), Some(second), 9).is_some());
    }

    #[test]
    fn bounds_out_of_order_or_malformed_are_refused() {
        let (a, b) = (for_new(3), for_new(2));
        assert_eq!(between(Some(&b), Some(&a), 1), None);
        assert_eq!(between(Some(&a), Some(&a), 1), None);
        assert_eq!(between(Some("A!"), None, 1), None);
        assert_eq!(between(None, Some("10"), 1), None, "a bound ending in 0");
    }
}
