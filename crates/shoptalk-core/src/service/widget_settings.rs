//! The widget's settings: their rules, and whether business hours are open at a given time.

use crate::error::{DomainError, DomainResult};
use jiff::Timestamp;
use shoptalk_types::model::{BusinessHours, Day, WidgetSettings};

/// Longest greeting or away message, in characters (a tweet: short enough for a bubble).
const MESSAGE_MAX_CHARS: usize = 280;
/// Opening ranges of a week: four a day is already a lot of breaks.
const MAX_RANGES: usize = 28;
/// Longest logo URL, in bytes (as for URLs in message content).
const URL_MAX_BYTES: usize = 2048;
/// Languages the widget's own strings are translated to.
const LOCALES: &[&str] = &[
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "tr", "ru", "ar", "ja", "zh",
];
/// Where uploaded media is served: a logo may be an upload of this server.
const MEDIA_PATH: &str = "/api/v1/media/";

fn invalid(field: &str, message: impl Into<String>) -> DomainError {
    DomainError::invalid(format!("widget.{field}"), message)
}

/// Checks every field of widget settings; `greeting` and `away_message` are trimmed and a
/// blank one is dropped (clearing a text box sends "").
pub(crate) fn validate_widget(settings: &WidgetSettings) -> DomainResult<WidgetSettings> {
    let mut s = settings.clone();
    let is_hex_colour = s.color.len() == 7
        && s.color.starts_with('#')
        && s.color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex_colour {
        return Err(invalid("color", "must be a #RRGGBB colour, like #4f46e5"));
    }
    if let Some(url) = &s.logo_url {
        check_logo_url(url)?;
    }
    s.greeting = short_message("greeting", s.greeting.take())?;
    s.away_message = short_message("away_message", s.away_message.take())?;
    if let Some(hours) = &s.business_hours {
        check_hours(hours)?;
    }
    if let Some(locale) = &s.locale
        && !LOCALES.contains(&locale.as_str())
    {
        return Err(invalid(
            "locale",
            format!("must be one of {}", LOCALES.join(", ")),
        ));
    }
    Ok(s)
}

/// An `https://` URL, or an upload of this server. Plain `http` would be blocked as mixed
/// content on the shops' HTTPS pages; other schemes could run code where the logo is shown.
fn check_logo_url(url: &str) -> DomainResult<()> {
    if url.len() > URL_MAX_BYTES {
        return Err(invalid("logo_url", "must be at most 2048 bytes"));
    }
    if let Some(id) = url.strip_prefix(MEDIA_PATH) {
        let is_id = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        return if is_id {
            Ok(())
        } else {
            Err(invalid("logo_url", "must be /api/v1/media/<media id>"))
        };
    }
    let parsed = url::Url::parse(url).ok().filter(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
            // The parser drops stray whitespace the stored string would keep.
            && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    });
    match parsed {
        Some(_) => Ok(()),
        None => Err(invalid(
            "logo_url",
            "must be an https:// URL or a path starting with /api/v1/media/",
        )),
    }
}

fn short_message(field: &str, value: Option<String>) -> DomainResult<Option<String>> {
    let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > MESSAGE_MAX_CHARS {
        return Err(invalid(field, "must be at most 280 characters"));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(
            field,
            "must not contain control characters other than newlines",
        ));
    }
    Ok(Some(value))
}

fn check_hours(hours: &BusinessHours) -> DomainResult<()> {
    if jiff::tz::db().get(&hours.timezone).is_err() {
        return Err(invalid(
            "business_hours.timezone",
            "must be an IANA time zone, like Europe/Paris",
        ));
    }
    if hours.days.len() > MAX_RANGES {
        return Err(invalid(
            "business_hours.days",
            "may hold at most 28 opening ranges",
        ));
    }
    for (i, range) in hours.days.iter().enumerate() {
        let field = |name: &str| format!("business_hours.days[{i}].{name}");
        let open = minute_of_day(&range.open)
            .filter(|&m| m < END_OF_DAY)
            .ok_or_else(|| invalid(&field("open"), "must be HH:MM, from 00:00 to 23:59"))?;
        let close = minute_of_day(&range.close)
            .ok_or_else(|| invalid(&field("close"), "must be HH:MM, from 00:01 to 24:00"))?;
        if close <= open {
            return Err(invalid(
                &field("close"),
                "must be after open (a range past midnight is two ranges: until 24:00, then from 00:00)",
            ));
        }
    }
    Ok(())
}

/// `24:00` in minutes: the end of a day, allowed only as a closing time.
const END_OF_DAY: u32 = 24 * 60;

/// `HH:MM` as minutes since midnight, `24:00` included.
fn minute_of_day(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let minute = h * 60 + m;
    (m < 60 && minute <= END_OF_DAY).then_some(minute)
}

fn day_of(weekday: jiff::civil::Weekday) -> Day {
    use jiff::civil::Weekday as W;
    match weekday {
        W::Monday => Day::Mon,
        W::Tuesday => Day::Tue,
        W::Wednesday => Day::Wed,
        W::Thursday => Day::Thu,
        W::Friday => Day::Fri,
        W::Saturday => Day::Sat,
        W::Sunday => Day::Sun,
    }
}

/// Whether `now` falls in one of the opening ranges, read on the wall clock of the hours'
/// time zone (so a shop opening at 09:00 opens at 09:00 local time on both sides of a DST
/// change). Hours that no longer parse (a time zone removed from the database, say) count as
/// open: a widget that wrongly says "we're here" is better than one that hides the shop.
pub fn is_open(hours: &BusinessHours, now: Timestamp) -> bool {
    let Ok(tz) = jiff::tz::db().get(&hours.timezone) else {
        return true;
    };
    let local = now.to_zoned(tz);
    let today = day_of(local.weekday());
    let minute = local.hour() as u32 * 60 + local.minute() as u32;
    hours.days.iter().filter(|r| r.day == today).any(|r| {
        match (minute_of_day(&r.open), minute_of_day(&r.close)) {
            (Some(open), Some(close)) => open <= minute && minute < close,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::model::{Weekday, WidgetPosition};

    fn range(day: Day, open: &str, close: &str) -> Weekday {
        Weekday {
            day,
            open: open.into(),
            close: close.into(),
        }
    }

    fn hours(timezone: &str, days: Vec<Weekday>) -> BusinessHours {
        BusinessHours {
            timezone: timezone.into(),
            days,
        }
    }

    fn at(utc: &str) -> Timestamp {
        utc.parse().unwrap()
    }

    fn field_of(settings: WidgetSettings) -> String {
        match validate_widget(&settings) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn open_on_the_local_wall_clock() {
        // Paris is UTC+1 in January. 2026-01-05 is a Monday.
        let h = hours("Europe/Paris", vec![range(Day::Mon, "09:00", "17:30")]);
        assert!(!is_open(&h, at("2026-01-05T07:59:59Z")), "08:59 local");
        assert!(
            is_open(&h, at("2026-01-05T08:00:00Z")),
            "09:00 local: opening included"
        );
        assert!(is_open(&h, at("2026-01-05T16:29:59Z")), "17:29 local");
        assert!(
            !is_open(&h, at("2026-01-05T16:30:00Z")),
            "17:30 local: closing excluded"
        );
        assert!(
            !is_open(&h, at("2026-01-06T10:00:00Z")),
            "Tuesday has no range"
        );
    }

    #[test]
    fn a_dst_day_keeps_local_opening_times() {
        // Paris springs forward on Sunday 2026-03-29 at 02:00 (UTC+1 → UTC+2).
        let h = hours(
            "Europe/Paris",
            vec![
                range(Day::Sat, "09:00", "12:00"),
                range(Day::Sun, "09:00", "12:00"),
            ],
        );
        // 08:30 UTC is 09:30 local on Saturday (UTC+1) and 10:30 local on Sunday (UTC+2).
        assert!(is_open(&h, at("2026-03-28T08:30:00Z")));
        assert!(is_open(&h, at("2026-03-29T08:30:00Z")));
        // 07:30 UTC: 08:30 local on Saturday (closed), 09:30 local on Sunday (open).
        assert!(!is_open(&h, at("2026-03-28T07:30:00Z")));
        assert!(is_open(&h, at("2026-03-29T07:30:00Z")));
        // Noon local is 10:00 UTC on the DST day.
        assert!(is_open(&h, at("2026-03-29T09:59:00Z")));
        assert!(!is_open(&h, at("2026-03-29T10:00:00Z")));
    }

    #[test]
    fn overnight_is_two_ranges_split_at_midnight() {
        // Friday 18:00 to Saturday 02:00, in New York (UTC-5 in January).
        let h = hours(
            "America/New_York",
            vec![
                range(Day::Fri, "18:00", "24:00"),
                range(Day::Sat, "00:00", "02:00"),
            ],
        );
        // 2026-01-09 is a Friday.
        assert!(!is_open(&h, at("2026-01-09T22:59:00Z")), "Fri 17:59");
        assert!(is_open(&h, at("2026-01-09T23:00:00Z")), "Fri 18:00");
        assert!(is_open(&h, at("2026-01-10T04:59:59Z")), "Fri 23:59:59");
        assert!(is_open(&h, at("2026-01-10T05:00:00Z")), "Sat 00:00");
        assert!(is_open(&h, at("2026-01-10T06:59:00Z")), "Sat 01:59");
        assert!(!is_open(&h, at("2026-01-10T07:00:00Z")), "Sat 02:00");
        // Midnight in UTC is still Friday evening in New York: the local day counts.
        assert!(is_open(&h, at("2026-01-10T00:30:00Z")), "Fri 19:30");
        // A day with no range at all is closed, and so is a week with none.
        assert!(!is_open(&h, at("2026-01-11T15:00:00Z")), "Sunday");
        assert!(!is_open(&hours("UTC", vec![]), at("2026-01-11T15:00:00Z")));
    }

    #[test]
    fn unknown_time_zones_count_as_open() {
        let h = hours("Mars/Olympus_Mons", vec![]);
        assert!(is_open(&h, Timestamp::now()));
    }

    #[test]
    fn times_parse_strictly() {
        assert_eq!(minute_of_day("00:00"), Some(0));
        assert_eq!(minute_of_day("23:59"), Some(1439));
        assert_eq!(minute_of_day("24:00"), Some(1440));
        for bad in [
            "24:01", "9:00", "09:60", "0900", "09:00:00", "-1:00", "+9:00", "ab:cd", "",
        ] {
            assert_eq!(minute_of_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let base = WidgetSettings::default;
        assert_eq!(
            field_of(WidgetSettings {
                color: "red".into(),
                ..base()
            }),
            "widget.color"
        );
        assert_eq!(
            field_of(WidgetSettings {
                color: "#4f46eg".into(),
                ..base()
            }),
            "widget.color"
        );
        for bad in [
            "http://cdn.example/logo.png",
            "javascript:alert(1)",
            "https://user:pw@cdn.example/logo.png",
            "/api/v1/media/../../etc/passwd",
            "/api/v1/media/",
            "/elsewhere/logo.png",
        ] {
            assert_eq!(
                field_of(WidgetSettings {
                    logo_url: Some(bad.into()),
                    ..base()
                }),
                "widget.logo_url",
                "{bad}"
            );
        }
        assert_eq!(
            field_of(WidgetSettings {
                greeting: Some("x".repeat(281)),
                ..base()
            }),
            "widget.greeting"
        );
        assert_eq!(
            field_of(WidgetSettings {
                away_message: Some("back\u{7}soon".into()),
                ..base()
            }),
            "widget.away_message"
        );
        assert_eq!(
            field_of(WidgetSettings {
                locale: Some("fr-FR".into()),
                ..base()
            }),
            "widget.locale"
        );
        let with_hours = |h: BusinessHours| WidgetSettings {
            business_hours: Some(h),
            ..base()
        };
        assert_eq!(
            field_of(with_hours(hours("Europe/Pariss", vec![]))),
            "widget.business_hours.timezone"
        );
        assert_eq!(
            field_of(with_hours(hours(
                "UTC",
                vec![
                    range(Day::Mon, "09:00", "17:00"),
                    range(Day::Tue, "25:00", "26:00")
                ]
            ))),
            "widget.business_hours.days[1].open"
        );
        assert_eq!(
            field_of(with_hours(hours(
                "UTC",
                vec![range(Day::Mon, "22:00", "02:00")]
            ))),
            "widget.business_hours.days[0].close"
        );
        assert_eq!(
            field_of(with_hours(hours(
                "UTC",
                vec![range(Day::Mon, "09:00", "09:00")]
            ))),
            "widget.business_hours.days[0].close"
        );
        assert_eq!(
            field_of(with_hours(hours(
                "UTC",
                vec![range(Day::Mon, "24:00", "24:00")]
            ))),
            "widget.business_hours.days[0].open"
        );
        assert_eq!(
            field_of(with_hours(hours(
                "UTC",
                vec![range(Day::Mon, "09:00", "10:00"); 29]
            ))),
            "widget.business_hours.days"
        );
    }

    #[test]
    fn good_settings_pass_with_blank_texts_dropped() {
        let s = validate_widget(&WidgetSettings {
            color: "#A1b2C3".into(),
            logo_url: Some("https://cdn.shop.example/logo.svg".into()),
            greeting: Some("  Hi! How can we help?  ".into()),
            position: WidgetPosition::Left,
            away_message: Some("   ".into()),
            business_hours: Some(hours("Asia/Tokyo", vec![range(Day::Sun, "00:00", "24:00")])),
            locale: Some("ja".into()),
            sound: false,
        })
        .unwrap();
        assert_eq!(s.greeting.as_deref(), Some("Hi! How can we help?"));
        assert_eq!(s.away_message, None);
        let upload = WidgetSettings {
            logo_url: Some(format!("/api/v1/media/{}", uuid::Uuid::now_v7())),
            ..WidgetSettings::default()
        };
        assert!(validate_widget(&upload).is_ok());
    }
}
