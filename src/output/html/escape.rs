//! HTML escaping for text and double-quoted attribute values.
//!
//! Five characters are enough for both contexts (the OWASP rule for HTML body and quoted
//! attribute values): `&`, `<`, `>`, `"` and `'`. The report never puts untrusted text into
//! a script, style, URL or unquoted attribute, so no other context needs escaping. A crate
//! (`html-escape`, `v_htmlescape`) would do the same five replacements; this function avoids a
//! new dependency for them and is tested below against each character.

/// Escapes `text` for HTML element content and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("firm Ä 0.5"), "firm Ä 0.5");
        // Escaping is not idempotent by design: an ampersand of an entity is escaped again.
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }
}
