//! The little CBOR (RFC 8949) WebAuthn needs: an attestation object and a COSE key are
//! maps of integers, text, byte strings, arrays and maps, in definite lengths (CTAP2's
//! canonical form). Anything else (floats, tags, indefinite lengths) is refused.

/// A decoded item.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An unsigned or negative integer.
    Int(i128),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Bool(bool),
    Null,
}

impl Value {
    /// The value under `key` in a map.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_int(&self, key: i128) -> Option<&Value> {
        self.get(&Value::Int(key))
    }

    pub fn get_text(&self, key: &str) -> Option<&Value> {
        self.get(&Value::Text(key.to_string()))
    }

    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Deeper nesting than any WebAuthn structure needs is refused (no stack to exhaust).
const MAX_DEPTH: usize = 8;

/// Decodes one item at the start of `input`; returns it and how many bytes it took.
pub fn decode(input: &[u8]) -> Result<(Value, usize), &'static str> {
    let mut reader = Reader { input, at: 0 };
    let value = reader.item(0)?;
    Ok((value, reader.at))
}

/// Decodes `input`, which must hold exactly one item.
pub fn decode_all(input: &[u8]) -> Result<Value, &'static str> {
    let (value, used) = decode(input)?;
    if used != input.len() {
        return Err("trailing bytes after the CBOR item");
    }
    Ok(value)
}

struct Reader<'a> {
    input: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], &'static str> {
        let end = self.at.checked_add(n).ok_or("CBOR length overflows")?;
        let bytes = self.input.get(self.at..end).ok_or("CBOR ends early")?;
        self.at = end;
        Ok(bytes)
    }

    /// The argument of a head whose additional information is `info`.
    fn argument(&mut self, info: u8) -> Result<u64, &'static str> {
        Ok(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.take(1)?[0]),
            25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().unwrap())),
            26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().unwrap())),
            27 => u64::from_be_bytes(self.take(8)?.try_into().unwrap()),
            _ => return Err("indefinite lengths and reserved values are not supported"),
        })
    }

    fn length(&mut self, info: u8) -> Result<usize, &'static str> {
        let n = self.argument(info)?;
        // A count can never exceed the bytes left (each item takes at least one).
        let n = usize::try_from(n).map_err(|_| "CBOR length too large")?;
        if n > self.input.len() - self.at {
            return Err("CBOR ends early");
        }
        Ok(n)
    }

    fn item(&mut self, depth: usize) -> Result<Value, &'static str> {
        if depth > MAX_DEPTH {
            return Err("CBOR nested too deeply");
        }
        let head = self.take(1)?[0];
        let (major, info) = (head >> 5, head & 0x1f);
        Ok(match major {
            0 => Value::Int(i128::from(self.argument(info)?)),
            1 => Value::Int(-1 - i128::from(self.argument(info)?)),
            2 => {
                let n = self.length(info)?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            3 => {
                let n = self.length(info)?;
                let text =
                    std::str::from_utf8(self.take(n)?).map_err(|_| "CBOR text is not UTF-8")?;
                Value::Text(text.to_string())
            }
            4 => {
                let n = self.length(info)?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Value::Array(items)
            }
            5 => {
                let n = self.length(info)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.item(depth + 1)?;
                    let value = self.item(depth + 1)?;
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err("a CBOR map repeats a key");
                    }
                    entries.push((key, value));
                }
                Value::Map(entries)
            }
            7 => match info {
                20 => Value::Bool(false),
                21 => Value::Bool(true),
                22 => Value::Null,
                _ => return Err("CBOR floats and simple values are not supported"),
            },
            _ => return Err("CBOR tags are not supported"),
        })
    }
}
