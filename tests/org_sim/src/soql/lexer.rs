//! SOQL tokenizer: identifiers/keywords, quoted strings with SOQL escapes, numbers, unquoted
//! dateTime literals and punctuation, each with its row/column for Salesforce-style errors.

use super::error::SoqlError;

/// 1-based row and column of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// Row (line), 1-based.
    pub row: usize,
    /// Column, 1-based.
    pub col: usize,
}

/// Token kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Identifier or keyword (keywords are matched case-insensitively by the parser).
    Ident(String),
    /// `'…'` string with escapes resolved (LIKE escapes `\%` `\_` kept for the matcher).
    Str(String),
    /// Number as written.
    Num(String),
    /// Unquoted date or dateTime literal as written (`2024-01-01T00:00:00Z`).
    DateLit(String),
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `:` (bind variables; only Apex has them, kept so the error is a syntax error)
    Colon,
    /// End of input.
    Eof,
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Kind and payload.
    pub tok: Tok,
    /// Start position.
    pub pos: Pos,
    /// Source text (for error messages).
    pub text: String,
}

/// Splits a query into tokens; the last one is always [`Tok::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, SoqlError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut row, mut line_start) = (0usize, 1usize, 0usize);
    while i < chars.len() {
        let c = chars[i];
        let col = i - line_start + 1;
        let pos = Pos { row, col };
        if c == '\n' {
            i += 1;
            row += 1;
            line_start = i;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Tok::Ident(chars[start..i].iter().collect())
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if c != '-' && i - start == 4 && chars.get(i) == Some(&'-') {
                // Unquoted date / dateTime literal: YYYY-MM-DD[Thh:mm:ss[.fff](Z|±hh:mm)]
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], '-' | ':' | '.' | '+'))
                {
                    i += 1;
                }
                Tok::DateLit(chars[start..i].iter().collect())
            } else {
                if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    i += 1;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                Tok::Num(chars[start..i].iter().collect())
            }
        } else if c == '\'' {
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err(SoqlError::malformed(
                        pos,
                        "line 1:0 mismatched character '<EOF>' expecting '''",
                    ));
                };
                i += 1;
                match ch {
                    '\'' => break,
                    '\\' => {
                        let Some(&e) = chars.get(i) else {
                            return Err(SoqlError::malformed(
                                pos,
                                "Invalid string literal: unterminated escape",
                            ));
                        };
                        i += 1;
                        match e {
                            'n' => s.push('\n'),
                            'r' => s.push('\r'),
                            't' => s.push('\t'),
                            'b' => s.push('\u{8}'),
                            'f' => s.push('\u{c}'),
                            '\'' | '"' | '\\' => s.push(e),
                            // LIKE wildcards escaped: keep the backslash for the matcher.
                            '%' | '_' => {
                                s.push('\\');
                                s.push(e);
                            }
                            other => {
                                return Err(SoqlError::malformed(
                                    pos,
                                    format!("Invalid string literal '\\{other}'. Illegal character sequence '\\{other}' in string literal."),
                                ))
                            }
                        }
                    }
                    '\n' => {
                        s.push(ch);
                        row += 1;
                        line_start = i;
                    }
                    _ => s.push(ch),
                }
            }
            Tok::Str(s)
        } else {
            i += 1;
            match (c, chars.get(i).copied()) {
                (',', _) => Tok::Comma,
                ('.', _) => Tok::Dot,
                ('(', _) => Tok::LParen,
                (')', _) => Tok::RParen,
                ('=', _) => Tok::Eq,
                (':', _) => Tok::Colon,
                ('!', Some('=')) => {
                    i += 1;
                    Tok::Ne
                }
                ('<', Some('>')) => {
                    i += 1;
                    Tok::Ne
                }
                ('<', Some('=')) => {
                    i += 1;
                    Tok::Le
                }
                ('>', Some('=')) => {
                    i += 1;
                    Tok::Ge
                }
                ('<', _) => Tok::Lt,
                ('>', _) => Tok::Gt,
                _ => {
                    return Err(SoqlError::malformed(
                        pos,
                        format!(
                            "line {row}:{} no viable alternative at character '{c}'",
                            col - 1
                        ),
                    ))
                }
            }
        };
        let text: String = chars[start..i].iter().collect();
        out.push(Token { tok, pos, text });
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: Pos {
            row,
            col: i - line_start + 1,
        },
        text: "<EOF>".into(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        tokenize(s)
            .map(|v| v.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn tokens_and_positions() {
        assert_eq!(
            kinds("SELECT Id FROM User WHERE Name != 'O\\'Brien' AND x <> -1.5"),
            vec![
                Tok::Ident("SELECT".into()),
                Tok::Ident("Id".into()),
                Tok::Ident("FROM".into()),
                Tok::Ident("User".into()),
                Tok::Ident("WHERE".into()),
                Tok::Ident("Name".into()),
                Tok::Ne,
                Tok::Str("O'Brien".into()),
                Tok::Ident("AND".into()),
                Tok::Ident("x".into()),
                Tok::Ne,
                Tok::Num("-1.5".into()),
                Tok::Eof
            ]
        );
        let toks = tokenize("SELECT\n  Id").unwrap_or_default();
        assert_eq!(toks[1].pos, Pos { row: 2, col: 3 });
        assert_eq!(
            kinds("CreatedDate > 2024-01-01T00:00:00Z"),
            vec![
                Tok::Ident("CreatedDate".into()),
                Tok::Gt,
                Tok::DateLit("2024-01-01T00:00:00Z".into()),
                Tok::Eof
            ]
        );
        assert!(tokenize("SELECT 'open").is_err());
        assert!(tokenize("SELECT # FROM").is_err());
    }
}
