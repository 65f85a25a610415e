//! `Option<Option<T>>` for PATCH bodies: a missing key leaves a field alone, `null` clears it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(s),
        None => s.serialize_none(),
    }
}
