//! Task references in GitHub text (a pull request's title, body or branch name, a commit
//! message), so that linking a pull request can mention or close the tasks it names. The
//! closing keywords are GitHub's own:
//! <https://docs.github.com/en/issues/tracking-your-work-with-issues/linking-a-pull-request-to-an-issue>.

use super::ShortId;
use std::collections::HashMap;

/// What a reference asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefKind {
    Mentions,
    Closes,
}

/// A task named in the text, by its number within the org.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskRef {
    pub number: i64,
    pub kind: RefKind,
}

/// Past this many tasks the text is more likely a pasted log than a list of work.
const MAX_REFS: usize = 50;

/// Longer numbers are not task numbers (and would not fit an `i64` for long).
const MAX_DIGITS: usize = 9;

const CLOSING_KEYWORDS: [&str; 9] = [
    "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
];

/// Finds the task references in `text` for the org whose short id is `short_id` (e.g. "ABC").
/// One entry per task number, the strongest kind wins (Closes over Mentions), in order of
/// first appearance. At most 50 entries.
///
/// A reference is `#42` or `ABC-42` standing on its own: after the start, whitespace or one
/// of `( [ , ; :`, and before the end, whitespace or one of `. , ; : ! ? ) ]`. A closing
/// keyword (`fixes #1`, `Closes: ABC-2`) closes only the reference right after it, as on
/// GitHub. Reference keywords (`refs`, `part of`, `see`…) need no rule of their own: what
/// follows them is a mention like any other. Code, `>` quoted lines, URLs and
/// `owner/repo#42` say nothing about this org's tasks and are skipped. A `short_id` that is
/// not 1–3 capital letters leaves only the `#42` form.
pub fn find(text: &str, short_id: &str) -> Vec<TaskRef> {
    let key = ShortId::parse(short_id).ok();
    let key = key.as_ref().map(ShortId::as_str);
    let text = without_html_comments(text);
    let mut refs = Vec::new();
    for stretch in prose(&text) {
        scan(stretch, key, &mut refs);
    }
    refs
}

/// `text` without its HTML comments (`<!-- … -->`, to the end when unclosed), each replaced
/// by a line break so that nothing on either side joins up. Pull request templates say
/// "<!-- Write Fixes #123 -->": a template left as it came must not close task 123.
fn without_html_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        out.push('\n');
        rest = match rest[start + 4..].find("-->") {
            Some(end) => &rest[start + 4 + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A branch name such as `abc-42-fix-login`, `feature/ABC-42`, `42-fix-login`: only the
/// `ABC-42` form counts (case-insensitive for the key here, since branches are often
/// lower-case), always as Mentions. Returns at most one number.
///
/// The first `abc-42` that does not run into a letter or digit on either side wins
/// (`xabc-42` and `abc-42x` do not count; `/`, `-`, `_` and `.` separate).
pub fn find_in_branch(branch: &str, short_id: &str) -> Option<i64> {
    let key = ShortId::parse(short_id).ok()?;
    let key = key.as_str();
    let separates = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
    branch.char_indices().find_map(|(i, _)| {
        if !separates(branch[..i].chars().next_back()) {
            return None;
        }
        let rest = &branch[i..];
        let after_key = rest
            .get(..key.len())
            .filter(|head| head.eq_ignore_ascii_case(key))
            .map(|_| &rest[key.len()..])?;
        number(after_key.strip_prefix('-')?, separates).map(|(value, _)| value)
    })
}

/// The stretches of `text` that are prose: not in a fenced code block, an inline code span
/// or a `>` quoted line, which show or quote text rather than say it. Works line by line,
/// so neither a code span nor a keyword carries over a line break.
fn prose(text: &str) -> Vec<&str> {
    let mut stretches = Vec::new();
    let mut open_fence = None;
    for line in text.lines() {
        let indented = line.trim_start();
        match (open_fence, fence(indented)) {
            (Some((mark, len)), Some((close_mark, close_len)))
                if close_mark == mark
                    && close_len >= len
                    && indented[close_len..].trim().is_empty() =>
            {
                open_fence = None
            }
            (Some(_), _) => {}
            (None, Some(opened)) => open_fence = Some(opened),
            (None, None) if indented.starts_with('>') => {}
            (None, None) => outside_code_spans(line, &mut stretches),
        }
    }
    stretches
}

/// The fence a line starts with, as its character and length.
fn fence(line: &str) -> Option<(u8, usize)> {
    let mark = *line
        .as_bytes()
        .first()
        .filter(|b| matches!(b, b'`' | b'~'))?;
    let len = line.bytes().take_while(|&b| b == mark).count();
    // A backtick after a backtick fence makes the line inline code instead, as in CommonMark.
    (len >= 3 && (mark == b'~' || !line[len..].contains('`'))).then_some((mark, len))
}

/// Pushes the parts of `line` outside inline code spans. A span opens at a run of backticks
/// and closes at the next run of the same length; a run with no partner is plain text.
fn outside_code_spans<'a>(line: &'a str, stretches: &mut Vec<&'a str>) {
    let bytes = line.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        if len > 0 {
            runs.push((i, i + len));
        }
        i += len.max(1);
    }
    // One pass from the end finds every run's partner, keeping long lines linear.
    let mut partner = vec![None; runs.len()];
    let mut next_of_len = HashMap::new();
    for (k, &(start, end)) in runs.iter().enumerate().rev() {
        partner[k] = next_of_len.insert(end - start, k);
    }
    let mut from = 0;
    let mut k = 0;
    while k < runs.len() {
        match partner[k] {
            Some(close) => {
                stretches.push(&line[from..runs[k].0]);
                from = runs[close].1;
                k = close + 1;
            }
            None => k += 1,
        }
    }
    stretches.push(&line[from..]);
}

/// Adds the references in one stretch of prose to `refs`.
fn scan(prose: &str, key: Option<&str>, refs: &mut Vec<TaskRef>) {
    // Where a reference has to start for the closing keyword just read to close it.
    let mut closes_at = None;
    let mut i = 0;
    while let Some(c) = prose[i..].chars().next() {
        let rest = &prose[i..];
        let prev = prose[..i].chars().next_back();
        if prev.is_none_or(char::is_whitespace) {
            let token = rest.split(char::is_whitespace).next().unwrap_or_default();
            if token.contains("://") {
                i += token.len();
                continue;
            }
        }
        if opens_reference(prev)
            && let Some((number, len)) = reference(rest, key)
        {
            let kind = if closes_at == Some(i) {
                RefKind::Closes
            } else {
                RefKind::Mentions
            };
            add(refs, TaskRef { number, kind });
            i += len;
            continue;
        }
        if is_word_char(c) {
            let word = &rest[..rest.find(|c| !is_word_char(c)).unwrap_or(rest.len())];
            // `pre-fixes` and `a/fix` are not the keyword any more than `prefixes` is.
            if !matches!(prev, Some('-' | '/'))
                && CLOSING_KEYWORDS
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(word))
            {
                let after = &rest[word.len()..];
                let gap = after.strip_prefix(':').unwrap_or(after).trim_start();
                closes_at = Some(prose.len() - gap.len());
            }
            i += word.len();
            continue;
        }
        i += c.len_utf8();
    }
}

/// The `#42` or `KEY-42` that `s` starts with, and the bytes it takes.
fn reference(s: &str, key: Option<&str>) -> Option<(i64, usize)> {
    let (prefix_len, digits) = match s.strip_prefix('#') {
        Some(digits) => (1, digits),
        None => {
            let key = key?;
            (key.len() + 1, s.strip_prefix(key)?.strip_prefix('-')?)
        }
    };
    let (value, len) = number(digits, ends_reference)?;
    Some((value, prefix_len + len))
}

/// The task number `s` starts with, if `ends` accepts what follows its digits, and the
/// bytes the digits take.
fn number(s: &str, ends: impl Fn(Option<char>) -> bool) -> Option<(i64, usize)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=MAX_DIGITS).contains(&len) || !ends(s[len..].chars().next()) {
        return None;
    }
    let value: i64 = s[..len].parse().ok()?;
    (value > 0).then_some((value, len))
}

fn opens_reference(prev: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | ',' | ';' | ':'))
}

fn ends_reference(next: Option<char>) -> bool {
    next.is_none_or(|c| {
        c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']')
    })
}

/// Any script's letters and digits: `é` joins a word just as `e` does.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Records `new`, one entry per task with the strongest kind, up to [`MAX_REFS`] tasks.
fn add(refs: &mut Vec<TaskRef>, new: TaskRef) {
    if let Some(seen) = refs.iter_mut().find(|seen| seen.number == new.number) {
        seen.kind = seen.kind.max(new.kind);
    } else if refs.len() < MAX_REFS {
        refs.push(new);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_comments_say_nothing() {
        let cases: &[(&str, &[(i64, RefKind)])] = &[
            ("<!-- Write \"Fixes #123\" here -->\nA change", &[]),
            (
                "fixes #1 <!-- closes #2 --> refs #3",
                &[(1, RefKind::Closes), (3, RefKind::Mentions)],
            ),
            ("<!-- unclosed fixes #4", &[]),
            ("<!--\nfixes #5\n-->\nfixes #6", &[(6, RefKind::Closes)]),
            ("fixes <!-- x --> #7", &[(7, RefKind::Mentions)]),
        ];
        for (text, want) in cases {
            let got: Vec<(i64, RefKind)> = find(text, "ABC")
                .into_iter()
                .map(|r| (r.number, r.kind))
                .collect();
            assert_eq!(&got, want, "{text:?}");
        }
    }

    use super::RefKind::{Closes, Mentions};
    use super::*;

    type Case<'a> = (&'a str, &'a str, &'a [(i64, RefKind)]);

    fn check(cases: &[Case]) {
        for &(text, short_id, expected) in cases {
            let found: Vec<_> = find(text, short_id)
                .iter()
                .map(|r| (r.number, r.kind))
                .collect();
            assert_eq!(found, expected, "find({text:?}, {short_id:?})");
        }
    }

    #[test]
    fn every_closing_keyword_closes_in_any_case() {
        check(&[
            ("close #1", "ABC", &[(1, Closes)]),
            ("Closes #1", "ABC", &[(1, Closes)]),
            ("CLOSED #1", "ABC", &[(1, Closes)]),
            ("fix #1", "ABC", &[(1, Closes)]),
            ("Fixes ABC-1", "ABC", &[(1, Closes)]),
            ("fixed #1", "ABC", &[(1, Closes)]),
            ("resolve #1", "ABC", &[(1, Closes)]),
            ("ReSoLvEs #1", "ABC", &[(1, Closes)]),
            ("resolved ABC-1", "ABC", &[(1, Closes)]),
            ("Fixes: #7", "ABC", &[(7, Closes)]),
            ("fixes:#7", "ABC", &[(7, Closes)]),
            ("fixes\t #7", "ABC", &[(7, Closes)]),
            ("Login works again (fixes ABC-7).", "ABC", &[(7, Closes)]),
        ]);
    }

    #[test]
    fn a_keyword_closes_only_the_reference_right_after_it() {
        check(&[
            (
                "fixes #1, #2 and ABC-3",
                "ABC",
                &[(1, Closes), (2, Mentions), (3, Mentions)],
            ),
            ("fixes #1, fixes #2", "ABC", &[(1, Closes), (2, Closes)]),
            ("fix the bug in #3", "ABC", &[(3, Mentions)]),
            ("fixes\n#3", "ABC", &[(3, Mentions)]),
            ("fixes #42abc #5", "ABC", &[(5, Mentions)]),
        ]);
    }

    #[test]
    fn reference_keywords_and_bare_references_mention() {
        check(&[
            ("ref #4", "ABC", &[(4, Mentions)]),
            ("Refs: #4", "ABC", &[(4, Mentions)]),
            ("references ABC-4", "ABC", &[(4, Mentions)]),
            ("Part of #4", "ABC", &[(4, Mentions)]),
            ("related to #4", "ABC", &[(4, Mentions)]),
            ("see #4", "ABC", &[(4, Mentions)]),
            ("Tidy the board after #4", "ABC", &[(4, Mentions)]),
            ("[ABC-4] Faster login", "ABC", &[(4, Mentions)]),
            ("ABC-4: faster login", "ABC", &[(4, Mentions)]),
            ("a,#3;#4:", "ABC", &[(3, Mentions), (4, Mentions)]),
        ]);
    }

    #[test]
    fn a_reference_must_stand_on_its_own() {
        check(&[
            ("fixes #42abc", "ABC", &[]),
            ("#42-foo", "ABC", &[]),
            ("#42/", "ABC", &[]),
            ("#42_", "ABC", &[]),
            ("ABC-42x", "ABC", &[]),
            ("Done in #42.", "ABC", &[(42, Mentions)]),
            ("Faster login (#12)", "ABC", &[(12, Mentions)]),
            ("x#12 ##12 *#12", "ABC", &[]),
            ("fixes owner/repo#5", "ABC", &[]),
            ("other-org/x#42", "ABC", &[]),
            ("https://example.com/x#42", "ABC", &[]),
            ("fixes https://github.com/o/r/issues/42", "ABC", &[]),
            ("<https://example.com/a,#42> #3", "ABC", &[(3, Mentions)]),
            ("https://example.com/ABC-42", "ABC", &[]),
        ]);
    }

    #[test]
    fn only_this_orgs_key_counts_and_only_in_capitals() {
        check(&[
            ("fixes XYZ-42", "ABC", &[]),
            ("AABC-42", "ABC", &[]),
            ("fixes abc-42", "ABC", &[]),
            ("ABC42 ABC 42", "ABC", &[]),
            ("ABC-42", "AB", &[]),
            ("AB-1 ABC-2", "AB", &[(1, Mentions)]),
            ("ABC-1 #2", "", &[(2, Mentions)]),
            ("abc-1 #2", "abc", &[(2, Mentions)]),
        ]);
    }

    #[test]
    fn numbers_are_one_to_nine_digits_and_not_zero() {
        check(&[
            ("ABC-0", "ABC", &[]),
            ("fixes #0", "ABC", &[]),
            ("#007", "ABC", &[(7, Mentions)]),
            ("#123456789", "ABC", &[(123_456_789, Mentions)]),
            ("fixes #1234567890", "ABC", &[]),
            ("ABC-1234567890", "ABC", &[]),
        ]);
    }

    #[test]
    fn code_and_quotes_say_nothing() {
        check(&[
            ("```\nfixes #1\n```\nfixes #2", "ABC", &[(2, Closes)]),
            ("~~~sh\nfixes #1\n~~~", "ABC", &[]),
            ("```\nfixes #1", "ABC", &[]),
            ("````\n```\nfixes #1\n````\n#2", "ABC", &[(2, Mentions)]),
            ("```fixes #1``` #2", "ABC", &[(2, Mentions)]),
            ("run `fixes #1` then see #2", "ABC", &[(2, Mentions)]),
            ("``fixes `#1` here`` #2", "ABC", &[(2, Mentions)]),
            ("a lone ` backtick, fixes #3", "ABC", &[(3, Closes)]),
            ("> fixes #1\nfixes #2", "ABC", &[(2, Closes)]),
            ("  > Closes ABC-1", "ABC", &[]),
        ]);
    }

    #[test]
    fn a_task_is_listed_once_where_first_named_with_its_strongest_kind() {
        check(&[
            (
                "see #5 and #6; fixes #5",
                "ABC",
                &[(5, Closes), (6, Mentions)],
            ),
            ("fixes #5, see #5", "ABC", &[(5, Closes)]),
            ("#5 ABC-5", "ABC", &[(5, Mentions)]),
        ]);
    }

    #[test]
    fn keywords_are_whole_words() {
        check(&[
            ("prefixes #3", "ABC", &[(3, Mentions)]),
            ("unfixed #3", "ABC", &[(3, Mentions)]),
            ("pre-fixes #3", "ABC", &[(3, Mentions)]),
            ("fixes_ #3", "ABC", &[(3, Mentions)]),
        ]);
    }

    #[test]
    fn letters_beyond_ascii_are_letters_and_spaces_beyond_ascii_are_spaces() {
        check(&[
            ("éfixes #3", "ABC", &[(3, Mentions)]),
            ("fixes #3é", "ABC", &[]),
            ("fixes #3 é", "ABC", &[(3, Closes)]),
            ("fixes\u{a0}#3", "ABC", &[(3, Closes)]),
        ]);
    }

    #[test]
    fn text_without_references_finds_none() {
        check(&[
            ("", "ABC", &[]),
            (" \n\n\t", "ABC", &[]),
            ("# Summary\n#", "ABC", &[]),
            ("fixes", "ABC", &[]),
            ("ABC-", "ABC", &[]),
        ]);
    }

    #[test]
    fn at_most_fifty_tasks_are_kept_and_kept_ones_can_still_close() {
        let text: String = (1..=60).map(|n| format!("#{n} ")).collect();
        let refs = find(&format!("{text} fixes #1"), "ABC");
        assert_eq!(refs.len(), 50);
        assert_eq!(
            refs[0],
            TaskRef {
                number: 1,
                kind: Closes
            }
        );
        assert_eq!(refs[49].number, 50);
    }

    #[test]
    fn any_utf8_is_scanned_without_panicking() {
        let sample = "é#€#1ü#²# ABC-ß ß#3 `ø` 🦀#4 #🦀 ABC-5🦀 (#6) #7é\n> #8 ü\n```ü\n#9\n```\n#";
        let refs = find(&sample.repeat(2_000), "ABC");
        assert_eq!(
            refs,
            [TaskRef {
                number: 6,
                kind: Mentions
            }]
        );
        for (i, _) in sample.char_indices() {
            find(&sample[i..], "ABC");
            find(&sample[..i], "ABC");
            find_in_branch(&sample[i..], "ABC");
        }
    }

    #[test]
    fn branches_name_a_task_only_by_key_in_any_case() {
        for (branch, expected) in [
            ("abc-42-login", Some(42)),
            ("feature/ABC-42", Some(42)),
            ("ABC-42", Some(42)),
            ("fix/abc-1-then-abc-2", Some(1)),
            ("abc-abc-7", Some(7)),
            ("42-fix", None),
            ("xabc-42", None),
            ("abc-42x", None),
            ("abc-4a", None),
            ("abc-0-fix", None),
            ("abc-1234567890", None),
            ("xyz-42", None),
            ("", None),
        ] {
            assert_eq!(find_in_branch(branch, "ABC"), expected, "{branch}");
        }
        assert_eq!(find_in_branch("abc-42", "abc"), None);
    }
}
