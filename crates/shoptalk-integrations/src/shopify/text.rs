//! Text of Shopify fields as Shoptalk keeps it: blanks are "not given", links are web links,
//! product descriptions are plain text.

/// Longest URL kept (as in the catalog and message content).
const URL_MAX: usize = 2048;

/// The trimmed text, or `None` when absent or blank.
pub fn given(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// An `http`/`https` link without spaces or control characters; anything else is dropped, so
/// a link shown to a customer can only open a web page.
pub fn web_url(value: Option<&str>) -> Option<String> {
    let url = given(value)?;
    let lower = url.get(..8).unwrap_or(&url).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    // `https://shop.example@evil.example` reads as the shop but opens evil.example.
    let no_credentials = url::Url::parse(&url)
        .is_ok_and(|u| u.host_str().is_some() && u.username().is_empty() && u.password().is_none());
    (web && clean && no_credentials && url.len() <= URL_MAX).then_some(url)
}

/// Plain text of Shopify's `body_html`: tags removed (`<br>` and block ends become line
/// breaks), the common entities decoded, runs of blank space collapsed. What remains is shown
/// as text, never interpreted as markup.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..start]));
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            // An unclosed `<` is text.
            out.push_str(&decode_entities(after));
            rest = "";
            break;
        };
        let inner = after[1..end].to_ascii_lowercase();
        let closing = inner.starts_with('/');
        let name = (inner.trim_start_matches('/'))
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let block = matches!(
            name,
            "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr"
        );
        if name == "br" || (closing && block) {
            out.push('\n');
        }
        rest = &after[end + 1..];
    }
    out.push_str(&decode_entities(rest));
    collapse(&out)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let ch = match &after[1..semi] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                other => numeric_entity(other),
            };
            ch.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `#233` or `#xE9`, when it names a character other than a control character.
fn numeric_entity(name: &str) -> Option<char> {
    let number = name.strip_prefix('#')?;
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code).filter(|c| !c.is_control())
}

/// Spaces and tabs within a line collapsed to one, lines trimmed, at most one blank line in
/// a row, none at the ends.
fn collapse(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for line in &lines {
        let blank_after_blank = line.is_empty() && out.last().is_none_or(|l| l.is_empty());
        if !blank_after_blank {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn blanks_are_not_given() {
        assert_eq!(given(Some("  x ")), Some("x".into()));
        assert_eq!(given(Some("   ")), None);
        assert_eq!(given(None), None);
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            web_url(Some("https://www.ups.com/track?n=1")),
            Some("https://www.ups.com/track?n=1".into())
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "https://a b",
            "//x.example",
            "https://ups.com@evil.example/track",
            "",
        ] {
            assert_eq!(web_url(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn descriptions_become_plain_text() {
        let html = "<p>Soft <strong>cotton</strong> &amp; linen.</p><ul><li>Fits&nbsp;well</li><li>5 &lt; 6</li></ul><script>x</script>";
        assert_eq!(
            html_to_text(html),
            "Soft cotton & linen.\nFits well\n5 < 6\nx"
        );
        assert_eq!(
            html_to_text("caf&#233; &#x263A; &bogus; a < b"),
            "café ☺ &bogus; a < b"
        );
        assert_eq!(html_to_text("line<br/>break<br>"), "line\nbreak");
        assert_eq!(html_to_text("&#0; &#x1b;"), "&#0; &#x1b;");
    }

    proptest! {
        #[test]
        fn any_html_gives_text_without_tags(html in "\\PC{0,200}") {
            let text = html_to_text(&html);
            prop_assert!(!text.starts_with(char::is_whitespace));
            prop_assert!(!text.ends_with(char::is_whitespace));
            prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
        }
    }
}
