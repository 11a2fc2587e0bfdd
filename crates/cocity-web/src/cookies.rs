//! Reading the `Cookie` header and writing `Set-Cookie` values with the attributes every
//! cocity cookie carries: `Path=/`, `HttpOnly`, `SameSite`, and `Secure` over TLS.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

pub const SESSION_COOKIE: &str = "cocity_session";
pub const CSRF_COOKIE: &str = "cocity_csrf";
pub const LANG_COOKIE: &str = "lang";

/// The value of cookie `name`, if the request sent it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// How strictly the browser may send a cookie along with cross-site requests.
#[derive(Debug, Clone, Copy)]
pub enum SameSite {
    Lax,
    Strict,
}

/// A `Set-Cookie` value. `max_age` of `Some(0)` deletes the cookie; `None` lasts the browser session.
pub fn set(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    same_site: SameSite,
    secure: bool,
) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly");
    cookie.push_str(match same_site {
        SameSite::Lax => "; SameSite=Lax",
        SameSite::Strict => "; SameSite=Strict",
    });
    if let Some(age) = max_age_secs {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_cookies_among_many() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; lang=en"));
        h.append(COOKIE, HeaderValue::from_static("cocity_session=abc"));
        assert_eq!(get(&h, "lang"), Some("en"));
        assert_eq!(get(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(get(&h, "missing"), None);
        let c = set("x", "y", Some(0), SameSite::Strict, true);
        assert_eq!(
            c,
            "x=y; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
    }
}
