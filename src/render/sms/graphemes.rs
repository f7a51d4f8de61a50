//! Characters as the SMS reference calculator counts them: Unicode 10.0 grapheme clusters
//! (UAX #29 as grapheme-splitter implements it). A message is split between these, never
//! inside one. Newer Unicode joins more (an Indic conjunct such as क्ष is one cluster since
//! Unicode 15.1); the calculator, and so the count a sender is billed by, splits it.

use super::grapheme_table::TABLE;

/// The grapheme break property of a code point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    Cr,
    Lf,
    Control,
    Extend,
    RegionalIndicator,
    SpacingMark,
    L,
    V,
    T,
    Lv,
    Lvt,
    Other,
    Prepend,
    EBase,
    EModifier,
    Zwj,
    GlueAfterZwj,
    EBaseGAZ,
}

fn property(c: char) -> Break {
    let code = c as u32;
    match TABLE.binary_search_by(|(low, high, _)| {
        if code < *low {
            std::cmp::Ordering::Greater
        } else if code > *high {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => TABLE[i].2,
        Err(_) => Break::Other,
    }
}

/// Whether a cluster that began with `start`, went on with `mid`, breaks before `next`.
fn breaks(start: Break, mid: &[Break], next: Break) -> bool {
    use Break::*;
    let all: Vec<Break> = std::iter::once(start).chain(mid.iter().copied()).chain(std::iter::once(next)).collect();
    let previous = all[all.len() - 2];
    if let Some(modifier) = all.iter().rposition(|&c| c == EModifier)
        && modifier > 1
        && all[1..modifier].iter().all(|&c| c == Extend)
        && ![Extend, EBase, EBaseGAZ].contains(&start)
    {
        return true;
    }
    if let Some(regional) = all.iter().rposition(|&c| c == RegionalIndicator)
        && regional > 0
        && all[1..regional].iter().all(|&c| c == RegionalIndicator)
        && ![Prepend, RegionalIndicator].contains(&previous)
    {
        return true;
    }
    if previous == Cr && next == Lf {
        return false;
    }
    if matches!(previous, Control | Cr | Lf) || matches!(next, Control | Cr | Lf) {
        return true;
    }
    if (previous == L && matches!(next, L | V | Lv | Lvt))
        || (matches!(previous, Lv | V) && matches!(next, V | T))
        || (matches!(previous, Lvt | T) && next == T)
        || matches!(next, Extend | Zwj | SpacingMark)
        || previous == Prepend
    {
        return false;
    }
    // The last code point before the trailing run of Extend (none when the cluster starts
    // with that run).
    let before_extend = match all.iter().rposition(|&c| c == Extend) {
        Some(0) => None,
        Some(last) => Some(last - 1),
        None => Some(all.len() - 2),
    };
    if let Some(before_extend) = before_extend
        && matches!(all[before_extend], EBase | EBaseGAZ)
        && all[before_extend + 1..all.len() - 1].iter().all(|&c| c == Extend)
        && next == EModifier
    {
        return false;
    }
    if previous == Zwj && matches!(next, GlueAfterZwj | EBaseGAZ) {
        return false;
    }
    if mid.contains(&RegionalIndicator) {
        return true;
    }
    !(previous == RegionalIndicator && next == RegionalIndicator)
}

/// The clusters of `text`; `\r\n` counts as two, as the calculator counts it.
pub fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, first)) = chars.next() {
        let head = property(first);
        let mut mid = Vec::new();
        while let Some(&(at, c)) = chars.peek() {
            let next = property(c);
            if breaks(head, &mid, next) {
                out.push(&text[start..at]);
                start = at;
                break;
            }
            mid.push(next);
            chars.next();
        }
        if chars.peek().is_none() {
            out.push(&text[start..]);
            start = text.len();
        }
    }
    out.into_iter()
        .filter(|g| !g.is_empty())
        .flat_map(|g| if g == "\r\n" { vec![&g[..1], &g[1..]] } else { vec![g] })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_as_the_calculator_sees_them() {
        assert_eq!(split("क्षत्रिय"), ["क्", "ष", "त्", "रि", "य"]);
        assert_eq!(split("👩‍👩‍👧‍👦a"), ["👩‍👩‍👧‍👦", "a"]);
        assert_eq!(split("🇺🇸🇪🇸"), ["🇺🇸", "🇪🇸"]);
        assert_eq!(split("e\u{301}\u{301}x"), ["e\u{301}\u{301}", "x"]);
        assert_eq!(split("a\r\nb"), ["a", "\r", "\n", "b"]);
        assert_eq!(split("👍🏽!"), ["👍🏽", "!"]);
    }
}
