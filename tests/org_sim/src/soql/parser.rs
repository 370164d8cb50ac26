//! Recursive-descent SOQL parser producing [`ast::Query`]; keywords are case-insensitive and
//! every syntax error is a `MALFORMED_QUERY` with a Salesforce-like "unexpected token" reason.

use super::ast::{CmpOp, Cond, FieldPath, Literal, Name, OrderItem, Query, SelectItem};
use super::error::SoqlError;
use super::lexer::{tokenize, Tok, Token};

/// Words that cannot be field names at the places where a clause may start.
const CLAUSE_KEYWORDS: &[&str] = &[
    "SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "OFFSET", "AND", "OR", "NOT", "IN", "LIKE",
    "ASC", "DESC", "NULLS", "GROUP", "HAVING", "WITH", "FOR", "USING",
];

/// Parses a whole query.
pub fn parse(src: &str) -> Result<Query, SoqlError> {
    let tokens = tokenize(src)?;
    let mut p = Parser { tokens, at: 0 };
    let q = p.query()?;
    p.expect_eof()?;
    Ok(q)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // `tokenize` always ends with Eof, and `bump` never moves past it.
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, k: usize) -> &Token {
        &self.tokens[(self.at + k).min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
        t
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        if t.tok == Tok::Eof {
            SoqlError::malformed(t.pos, "unexpected token: '<EOF>'")
        } else {
            SoqlError::malformed(t.pos, format!("unexpected token: '{}'", t.text))
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: &Tok) -> Result<Token, SoqlError> {
        if &self.peek().tok == tok {
            Ok(self.bump())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_eof(&self) -> Result<(), SoqlError> {
        if self.peek().tok == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn ident(&mut self) -> Result<Name, SoqlError> {
        match &self.peek().tok {
            Tok::Ident(s) if !CLAUSE_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(s)) => {
                let t = self.bump();
                Ok(Name {
                    text: t.text,
                    pos: t.pos,
                })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn field_path(&mut self) -> Result<FieldPath, SoqlError> {
        let first = self.ident()?;
        let mut parts = vec![first.text];
        while self.peek().tok == Tok::Dot {
            self.bump();
            parts.push(self.ident()?.text);
        }
        Ok(FieldPath {
            parts,
            pos: first.pos,
        })
    }

    fn query(&mut self) -> Result<Query, SoqlError> {
        self.expect_kw("SELECT")?;
        let mut select = vec![self.select_item()?];
        while self.peek().tok == Tok::Comma {
            self.bump();
            select.push(self.select_item()?);
        }
        self.expect_kw("FROM")?;
        let from = self.ident()?;
        let filter = if self.eat_kw("WHERE") {
            Some(self.or_cond()?)
        } else {
            None
        };
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                order_by.push(self.order_item()?);
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.bump();
            }
        }
        let limit = if self.eat_kw("LIMIT") {
            Some(self.unsigned()?)
        } else {
            None
        };
        let offset = if self.eat_kw("OFFSET") {
            Some(self.unsigned()?)
        } else {
            None
        };
        Ok(Query {
            select,
            from,
            filter,
            order_by,
            limit,
            offset,
        })
    }

    fn select_item(&mut self) -> Result<SelectItem, SoqlError> {
        if self.peek().tok == Tok::LParen {
            self.bump();
            let sub = self.query()?;
            self.expect(&Tok::RParen)?;
            return Ok(SelectItem::SubQuery(Box::new(sub)));
        }
        if self.is_kw("COUNT") && self.peek_at(1).tok == Tok::LParen {
            let pos = self.bump().pos;
            self.bump();
            if self.peek().tok != Tok::RParen {
                // COUNT(field) is an aggregate query; not simulated yet.
                return Err(SoqlError::malformed(
                    self.peek().pos,
                    "COUNT(field) aggregate queries are not simulated; use COUNT()",
                ));
            }
            self.bump();
            return Ok(SelectItem::Count(pos));
        }
        Ok(SelectItem::Field(self.field_path()?))
    }

    fn unsigned(&mut self) -> Result<u64, SoqlError> {
        match &self.peek().tok {
            Tok::Num(n) => match n.parse::<u64>() {
                Ok(v) => {
                    self.bump();
                    Ok(v)
                }
                Err(_) => Err(self.unexpected()),
            },
            _ => Err(self.unexpected()),
        }
    }

    fn order_item(&mut self) -> Result<OrderItem, SoqlError> {
        let field = self.field_path()?;
        let descending = if self.eat_kw("DESC") {
            true
        } else {
            self.eat_kw("ASC");
            false
        };
        let nulls_last = if self.eat_kw("NULLS") {
            if self.eat_kw("FIRST") {
                Some(false)
            } else if self.eat_kw("LAST") {
                Some(true)
            } else {
                return Err(self.unexpected());
            }
        } else {
            None
        };
        Ok(OrderItem {
            field,
            descending,
            nulls_last,
        })
    }

    fn or_cond(&mut self) -> Result<Cond, SoqlError> {
        let mut items = vec![self.and_cond()?];
        while self.eat_kw("OR") {
            items.push(self.and_cond()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and_cond(&mut self) -> Result<Cond, SoqlError> {
        let mut items = vec![self.not_cond()?];
        while self.eat_kw("AND") {
            items.push(self.not_cond()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not_cond(&mut self) -> Result<Cond, SoqlError> {
        if self.eat_kw("NOT") {
            return Ok(Cond::Not(Box::new(self.not_cond()?)));
        }
        if self.peek().tok == Tok::LParen {
            self.bump();
            let c = self.or_cond()?;
            self.expect(&Tok::RParen)?;
            return Ok(c);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Cond, SoqlError> {
        let field = self.field_path()?;
        let op = match self.peek().tok {
            Tok::Eq => Some(CmpOp::Eq),
            Tok::Ne => Some(CmpOp::Ne),
            Tok::Lt => Some(CmpOp::Lt),
            Tok::Le => Some(CmpOp::Le),
            Tok::Gt => Some(CmpOp::Gt),
            Tok::Ge => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.bump();
            let value_pos = self.peek().pos;
            let value = self.literal()?;
            return Ok(Cond::Cmp {
                field,
                op,
                value,
                value_pos,
            });
        }
        if self.is_kw("LIKE") {
            self.bump();
            let value_pos = self.peek().pos;
            return match self.literal()? {
                Literal::Str(pattern) => Ok(Cond::Like {
                    field,
                    pattern,
                    value_pos,
                }),
                _ => Err(SoqlError::malformed(
                    value_pos,
                    "LIKE requires a quoted string pattern",
                )),
            };
        }
        let negated = self.is_kw("NOT") && {
            let next = self.peek_at(1);
            matches!(&next.tok, Tok::Ident(s) if s.eq_ignore_ascii_case("IN"))
        };
        if negated {
            self.bump();
        }
        if self.eat_kw("IN") {
            let value_pos = self.expect(&Tok::LParen)?.pos;
            if self.is_kw("SELECT") {
                let query = self.query()?;
                self.expect(&Tok::RParen)?;
                return Ok(Cond::SemiJoin {
                    field,
                    negated,
                    query: Box::new(query),
                    value_pos,
                });
            }
            let mut values = vec![self.literal()?];
            while self.peek().tok == Tok::Comma {
                self.bump();
                values.push(self.literal()?);
            }
            self.expect(&Tok::RParen)?;
            return Ok(Cond::In {
                field,
                negated,
                values,
                value_pos,
            });
        }
        Err(self.unexpected())
    }

    fn literal(&mut self) -> Result<Literal, SoqlError> {
        let t = self.peek().clone();
        let lit = match &t.tok {
            Tok::Str(s) => Literal::Str(s.clone()),
            Tok::Num(n) => Literal::Num(n.clone()),
            Tok::DateLit(d) => match crate::datetime::parse(d) {
                Some(ms) => Literal::DateTime(ms),
                None => {
                    return Err(SoqlError::malformed(
                        t.pos,
                        format!("line {}:{} no viable alternative at character '{d}' (only dateTime literals are simulated)", t.pos.row, t.pos.col - 1),
                    ))
                }
            },
            Tok::Ident(s) if s.eq_ignore_ascii_case("null") => Literal::Null,
            Tok::Ident(s) if s.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Ident(s) if s.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Err(self.unexpected()),
        };
        self.bump();
        Ok(lit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soql::lexer::Pos;
    use crate::soql::SoqlErrorCode;

    fn path(parts: &[&str], row: usize, col: usize) -> FieldPath {
        FieldPath {
            parts: parts.iter().map(|s| (*s).to_owned()).collect(),
            pos: Pos { row, col },
        }
    }

    #[test]
    fn parses_full_query() {
        let q = parse(
            "select Id, Profile.UserLicense.Name from User where (IsActive = true or Name like 'A%') \
             and not Alias in ('x', 'y') order by LastName desc nulls last, Id limit 5 offset 2",
        );
        let Ok(q) = q else {
            panic!("parse failed: {q:?}");
        };
        assert_eq!(q.from.text, "User");
        assert_eq!(
            q.select,
            vec![
                SelectItem::Field(path(&["Id"], 1, 8)),
                SelectItem::Field(path(&["Profile", "UserLicense", "Name"], 1, 12)),
            ]
        );
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.offset, Some(2));
        assert_eq!(q.order_by.len(), 2);
        assert!(q.order_by[0].descending);
        assert_eq!(q.order_by[0].nulls_last, Some(true));
        let Some(Cond::And(parts)) = q.filter else {
            panic!("expected AND");
        };
        assert!(matches!(&parts[0], Cond::Or(v) if v.len() == 2));
        assert!(
            matches!(&parts[1], Cond::Not(inner) if matches!(**inner, Cond::In { negated: false, .. }))
        );
    }

    #[test]
    fn not_in_and_literals() {
        let Ok(q) = parse("SELECT Id FROM User WHERE Id NOT IN ('005', null) AND X = 1.5 AND Y != false AND D >= 2024-01-01T00:00:00Z")
        else {
            panic!("parse failed");
        };
        let Some(Cond::And(parts)) = q.filter else {
            panic!("expected AND");
        };
        assert!(
            matches!(&parts[0], Cond::In { negated: true, values, .. } if values == &vec![Literal::Str("005".into()), Literal::Null])
        );
        assert!(
            matches!(&parts[1], Cond::Cmp { op: CmpOp::Eq, value: Literal::Num(n), .. } if n == "1.5")
        );
        assert!(matches!(
            &parts[2],
            Cond::Cmp {
                op: CmpOp::Ne,
                value: Literal::Bool(false),
                ..
            }
        ));
        assert!(matches!(
            &parts[3],
            Cond::Cmp {
                op: CmpOp::Ge,
                value: Literal::DateTime(_),
                ..
            }
        ));
    }

    #[test]
    fn count_and_subquery() {
        let Ok(q) = parse("SELECT COUNT() FROM User") else {
            panic!("parse failed");
        };
        assert!(matches!(q.select[0], SelectItem::Count(_)));
        let Ok(q) = parse("SELECT Name, (SELECT Id FROM Users WHERE IsActive = true) FROM Profile")
        else {
            panic!("parse failed");
        };
        assert!(matches!(&q.select[1], SelectItem::SubQuery(s) if s.from.text == "Users"));
    }

    #[test]
    fn syntax_errors_are_malformed_with_position() {
        for (q, row, col, reason) in [
            ("SELECT Id FRM User", 1, 11, "unexpected token: 'FRM'"),
            ("SELECT FROM User", 1, 8, "unexpected token: 'FROM'"),
            (
                "SELECT Id FROM User WHERE",
                1,
                26,
                "unexpected token: '<EOF>'",
            ),
            (
                "SELECT Id FROM User LIMIT x",
                1,
                27,
                "unexpected token: 'x'",
            ),
            (
                "SELECT Id FROM User WHERE Name = ",
                1,
                34,
                "unexpected token: '<EOF>'",
            ),
            (
                "SELECT Id,\nName FROM User extra",
                2,
                16,
                "unexpected token: 'extra'",
            ),
        ] {
            let err = parse(q).err();
            assert_eq!(
                err.as_ref().map(|e| (e.code, e.pos, e.reason.as_str())),
                Some((
                    SoqlErrorCode::MalformedQuery,
                    Some(Pos { row, col }),
                    reason
                )),
                "{q}"
            );
        }
        let msg = parse("SELECT Id FRM User")
            .err()
            .map(|e| e.message("SELECT Id FRM User"))
            .unwrap_or_default();
        assert_eq!(
            msg,
            "\nSELECT Id FRM User\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'"
        );
    }
}
