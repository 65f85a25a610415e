//! The browser's side of passkeys: `navigator.credentials` called through js-sys (no
//! script of our own, so the page's CSP stays as it is). Options go in as WebAuthn's JSON
//! (`PublicKeyCredential.parseCreationOptionsFromJSON` / `…RequestOptionsFromJSON`) and
//! the credential comes out as its `toJSON()`, a string for the server function.
//!
//! On the server, and in browsers without WebAuthn's JSON methods, [`supported`] is false
//! and the pages leave the passkey buttons out.

/// Whether this browser can make and use passkeys here.
#[cfg(feature = "hydrate")]
pub fn supported() -> bool {
    use js_sys::Reflect;
    let Some(window) = leptos::web_sys::window() else {
        return false;
    };
    let Ok(class) = Reflect::get(&window, &"PublicKeyCredential".into()) else {
        return false;
    };
    !class.is_undefined()
        && Reflect::get(&class, &"parseRequestOptionsFromJSON".into())
            .is_ok_and(|f| f.is_function())
}

#[cfg(not(feature = "hydrate"))]
pub fn supported() -> bool {
    false
}

/// `navigator.credentials.create()` with the creation options `options` (JSON).
#[cfg(feature = "hydrate")]
pub async fn create(options: &str) -> Result<String, String> {
    ceremony("create", "parseCreationOptionsFromJSON", options).await
}

/// `navigator.credentials.get()` with the request options `options` (JSON).
#[cfg(feature = "hydrate")]
pub async fn get(options: &str) -> Result<String, String> {
    ceremony("get", "parseRequestOptionsFromJSON", options).await
}

#[cfg(feature = "hydrate")]
async fn ceremony(method: &str, parse: &str, options: &str) -> Result<String, String> {
    use js_sys::{Function, JSON, Object, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let said = |e: JsValue| {
        Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "the browser refused".into())
    };
    let window = leptos::web_sys::window().ok_or("no window")?;
    let class = Reflect::get(&window, &"PublicKeyCredential".into()).map_err(said)?;
    let parse: Function = Reflect::get(&class, &parse.into())
        .map_err(said)?
        .dyn_into()
        .map_err(|_| "this browser cannot use passkeys here".to_string())?;
    let options = JSON::parse(options).map_err(said)?;
    let public_key = parse.call1(&class, &options).map_err(said)?;
    let navigator = Reflect::get(&window, &"navigator".into()).map_err(said)?;
    let credentials = Reflect::get(&navigator, &"credentials".into()).map_err(said)?;
    let call: Function = Reflect::get(&credentials, &method.into())
        .map_err(said)?
        .dyn_into()
        .map_err(|_| "this browser cannot use passkeys here".to_string())?;
    let arg = Object::new();
    Reflect::set(&arg, &"publicKey".into(), &public_key).map_err(said)?;
    let promise: Promise = call
        .call1(&credentials, &arg)
        .map_err(said)?
        .dyn_into()
        .map_err(|_| "the browser answered no promise".to_string())?;
    let credential = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(said)?;
    if credential.is_null() {
        return Err("no passkey was chosen".into());
    }
    let to_json: Function = Reflect::get(&credential, &"toJSON".into())
        .map_err(said)?
        .dyn_into()
        .map_err(|_| "this browser cannot use passkeys here".to_string())?;
    let json = to_json.call0(&credential).map_err(said)?;
    JSON::stringify(&json)
        .map_err(said)?
        .as_string()
        .ok_or_else(|| "the credential is not JSON".into())
}
