//! The format of what operators type in: phone numbers, the food licence number, the live video link.

use super::MealPointRuleError;

/// A mainland mobile number (`1[3-9]` + 9 digits) or a landline with its area code, returned in
/// one canonical form: `13812345678` or `0519-88886666`.
///
/// Spaces are ignored (people write 138 1234 5678); a hyphen may only separate the area code.
/// The hyphen is optional because area codes are prefix-free: 010 and 02x have three digits,
/// every other code (03xx–09xx) four.
///
/// [`PHONE_PATTERN`] states the same rule for the API document.
pub fn normalize_phone(raw: &str) -> Result<String, MealPointRuleError> {
    let compact: String = raw.chars().filter(|c| *c != ' ').collect();
    let (area_given, rest) = match compact.split_once('-') {
        Some((area, local)) => (Some(area), local),
        None => (None, compact.as_str()),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(rest) || area_given.is_some_and(|a| !all_digits(a)) {
        return Err(MealPointRuleError::InvalidPhone);
    }

    let digits = format!("{}{rest}", area_given.unwrap_or_default());
    let bytes = digits.as_bytes();
    if area_given.is_none()
        && bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
    {
        return Ok(digits);
    }

    let area_len = match bytes {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return Err(MealPointRuleError::InvalidPhone),
    };
    if area_given.is_some_and(|a| a.len() != area_len) {
        return Err(MealPointRuleError::InvalidPhone);
    }
    let (area, local) = digits.split_at(area_len);
    // Local numbers are 7 or 8 digits and never start with 0 (trunk prefix) or 1 (service codes).
    let local_ok = matches!(local.len(), 7 | 8) && !local.starts_with(['0', '1']);
    if !local_ok {
        return Err(MealPointRuleError::InvalidPhone);
    }
    Ok(format!("{area}-{local}"))
}

/// A 食品经营许可证 number: `JY` and 14 digits (business type, six-digit region code, six-digit
/// serial, check digit), returned uppercased. The check-digit algorithm is not published, so
/// only the shape is checked; the licence itself is verified against the certificate photo.
pub fn normalize_food_licence_no(raw: &str) -> Result<String, MealPointRuleError> {
    let licence = raw.trim_matches(' ').to_ascii_uppercase();
    let well_formed = licence
        .strip_prefix("JY")
        .is_some_and(|digits| digits.len() == 14 && digits.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        Ok(licence)
    } else {
        Err(MealPointRuleError::InvalidFoodLicenceNo)
    }
}

/// [`normalize_phone`]'s rule as a pattern: a mobile number, or an area code (010, 02x, or
/// 0 and three digits), an optional hyphen and a local number of 7 or 8 digits that does not
/// start with 0 or 1; spaces anywhere.
pub const PHONE_PATTERN: &str = concat!(
    r"^ *(?:1 *[3-9](?: *[0-9]){9}",
    r"|0 *(?:1 *0|2 *[0-9]|[3-9](?: *[0-9]){2}) *-? *[2-9](?: *[0-9]){6,7}) *$"
);

/// [`normalize_food_licence_no`]'s rule as a pattern: `JY` in either case and 14 digits.
pub const FOOD_LICENCE_PATTERN: &str = r"^ *[Jj][Yy][0-9]{14} *$";

/// [`normalize_live_video_url`]'s rule as a pattern: empty (no live video), or https, a host
/// of letters, digits, dots and hyphens, an optional port, and no spaces or control characters.
pub const LIVE_VIDEO_URL_PATTERN: &str = concat!(
    r"^(?:|[Hh][Tt][Tt][Pp][Ss]://[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?",
    r"(?:[/?#][^\s\x00-\x1F\x7F-\x9F]*)?)$"
);

/// The longest live-video URL kept, in characters; real platform links are far shorter.
pub const LIVE_VIDEO_URL_MAX_LEN: usize = 2048;

/// The optional 明厨亮灶 live-kitchen URL. It must be https because the mini program opens it
/// in a web-view, which loads nothing else. An empty value means "no live video"; spaces
/// around it are refused like any other (the document's pattern has none).
pub fn normalize_live_video_url(raw: Option<&str>) -> Result<Option<String>, MealPointRuleError> {
    let Some(url) = raw.filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    const SCHEME: &str = "https://";
    let has_https = url
        .get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME));
    if !has_https {
        return Err(MealPointRuleError::LiveVideoUrlNotHttps);
    }
    let rest = &url[SCHEME.len()..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    // Userinfo (`https://real.site@evil.site/`) is refused by the host check: `@` is not a host
    // character. It is a classic way to make a link look like another site.
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let chars_ok = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if !(host_ok && port_ok && chars_ok) || url.chars().count() > LIVE_VIDEO_URL_MAX_LEN {
        return Err(MealPointRuleError::InvalidLiveVideoUrl);
    }
    Ok(Some(format!("{SCHEME}{rest}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        let cases = [
            ("13812345678", Ok("13812345678")),
            (" 138 1234 5678 ", Ok("13812345678")),
            ("19912345678", Ok("19912345678")),
            ("0519-88886666", Ok("0519-88886666")),
            ("051988886666", Ok("0519-88886666")),
            ("0519 8888 6666", Ok("0519-88886666")),
            ("010-62345678", Ok("010-62345678")),
            ("025-8123456", Ok("025-8123456")),
            ("12812345678", Err(())),
            ("1381234567", Err(())),
            ("138123456789", Err(())),
            ("138-12345678", Err(())),
            ("05-1988886666", Err(())),
            ("0519-08886666", Err(())),
            ("0519-888866", Err(())),
            ("0519-888866667", Err(())),
            ("0519-8888-6666", Err(())),
            ("00519-88886666", Err(())),
            ("0519-８８８８６６６６", Err(())),
            ("", Err(())),
        ];
        for (raw, expected) in cases {
            let got = normalize_phone(raw);
            assert_eq!(got.as_deref().map_err(|_| ()), expected, "{raw:?}");
            if let Err(e) = got {
                assert_eq!((e.code(), e.field()), ("INVALID_PHONE", Some("phone")));
            }
        }
    }

    #[test]
    fn food_licence_numbers() {
        let cases = [
            ("JY23204020012345", Ok("JY23204020012345")),
            (" jy23204020012345 ", Ok("JY23204020012345")),
            ("JY2320402001234", Err("INVALID_FOOD_LICENCE_NO")),
            ("JY232040200123456", Err("INVALID_FOOD_LICENCE_NO")),
            ("SP23204020012345", Err("INVALID_FOOD_LICENCE_NO")),
            ("JY2320402001234X", Err("INVALID_FOOD_LICENCE_NO")),
            ("23204020012345", Err("INVALID_FOOD_LICENCE_NO")),
        ];
        for (raw, expected) in cases {
            let got = normalize_food_licence_no(raw);
            assert_eq!(got.as_deref().map_err(|e| e.code()), expected, "{raw:?}");
        }
    }

    #[test]
    fn live_video_urls() {
        let cases = [
            (None, Ok(None)),
            (Some(""), Ok(None)),
            (Some("  "), Err("LIVE_VIDEO_URL_NOT_HTTPS")),
            (
                Some(" https://live.example.cn/1"),
                Err("LIVE_VIDEO_URL_NOT_HTTPS"),
            ),
            (
                Some("https://mclz.example.cn/live/123"),
                Ok(Some("https://mclz.example.cn/live/123")),
            ),
            (
                Some("HTTPS://live.example.cn:8443/a?b=c"),
                Ok(Some("https://live.example.cn:8443/a?b=c")),
            ),
            (
                Some("https://live.example.cn"),
                Ok(Some("https://live.example.cn")),
            ),
            (
                Some("http://live.example.cn/1"),
                Err("LIVE_VIDEO_URL_NOT_HTTPS"),
            ),
            (
                Some("rtmp://live.example.cn/1"),
                Err("LIVE_VIDEO_URL_NOT_HTTPS"),
            ),
            (Some("live.example.cn/1"), Err("LIVE_VIDEO_URL_NOT_HTTPS")),
            (Some("https://"), Err("INVALID_LIVE_VIDEO_URL")),
            (Some("https:///path"), Err("INVALID_LIVE_VIDEO_URL")),
            (
                Some("https://gov.cn@evil.example/x"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn/a b"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn:/a"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
            (
                Some("https://live.example.cn:80a/a"),
                Err("INVALID_LIVE_VIDEO_URL"),
            ),
        ];
        for (raw, expected) in cases {
            let got = normalize_live_video_url(raw);
            assert_eq!(
                got.as_ref().map(Option::as_deref).map_err(|e| e.code()),
                expected,
                "{raw:?}"
            );
        }
        let too_long = format!(
            "https://live.example.cn/{}",
            "a".repeat(LIVE_VIDEO_URL_MAX_LEN)
        );
        assert!(normalize_live_video_url(Some(&too_long)).is_err());
    }

    /// The document's patterns say what the rules accept, no more and no less: a generated
    /// request that matches is accepted, one that does not is refused.
    #[test]
    fn the_patterns_state_the_rules() {
        let phone = regex::Regex::new(PHONE_PATTERN).unwrap();
        for raw in [
            "13812345678",
            " 138 1234 5678 ",
            "0519-88886666",
            "051988886666",
            "0519 - 8888 6666",
            "010-62345678",
            "025-8123456",
            "02-58123456",
            "011-62345678",
            "12812345678",
            "138-12345678",
            "0519-08886666",
            "0519-8888-6666",
            "\t13812345678",
            "13812345678\n",
            "0519-８８８８６６６６",
            "",
            "-",
            "0",
        ] {
            assert_eq!(phone.is_match(raw), normalize_phone(raw).is_ok(), "{raw:?}");
        }
        let licence = regex::Regex::new(FOOD_LICENCE_PATTERN).unwrap();
        for raw in [
            "JY23204020012345",
            " jy23204020012345 ",
            "Jy23204020012345",
            "\tJY23204020012345",
            "JY2320402001234",
            "JY232040200123456",
            "SP23204020012345",
            "JY2320402001234X",
        ] {
            assert_eq!(
                licence.is_match(raw),
                normalize_food_licence_no(raw).is_ok(),
                "{raw:?}"
            );
        }
        let url = regex::Regex::new(LIVE_VIDEO_URL_PATTERN).unwrap();
        for raw in [
            "",
            " ",
            "https://a.cn",
            "HTTPS://live.example.cn:8443/a?b=c",
            "https://a.cn/直播",
            "https://a.cn#x",
            "https://.a.cn",
            "https://-a.cn",
            "https://a.cn:",
            "https://a.cn:123456",
            "https://a.cn:1:2",
            "https://a@b.cn",
            "https://a.cn/ b",
            "https://a.cn/\u{85}",
            "https://a.cn/\u{3000}",
            "https://a.cn/\u{1c}",
            "http://a.cn",
            "https://",
            "https://a.cn ",
        ] {
            assert_eq!(
                url.is_match(raw),
                normalize_live_video_url(Some(raw)).is_ok(),
                "{raw:?}"
            );
        }
    }
}
