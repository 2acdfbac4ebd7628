//! The service's side of WeChat Pay API v3, partner mode: JSAPI prepay, the mini program's
//! `wx.requestPayment` parameters, query, close, refund, and reading a notification (signature
//! checked with the platform's public key, resource decrypted with the APIv3 key).
//!
//! Every call answers with its [`Exchange`] (what was sent, what came back, raw) beside the
//! outcome, so the caller keeps it: any order's money can be traced call by call.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::crypto::{self, ApiV3Key, PayCryptoError, PublicKey, SigningIdentity};

#[derive(Clone)]
pub struct PayClient {
    http: reqwest::Client,
    api_base: String,
    sp_mchid: String,
    sp_appid: String,
    merchant: SigningIdentity,
    apiv3: ApiV3Key,
    /// Keyed by `Wechatpay-Serial`: during WeChat Pay's move from platform certificates to its
    /// public key both may sign, so more than one can be configured.
    platform: Vec<PublicKey>,
    notify_base: String,
    /// Signs requests' timestamps: WeChat Pay compares them with its own clock.
    clock: crate::clock::Clock,
}

/// One call as it went over the wire.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub request: Option<String>,
    pub status: Option<u16>,
    pub response: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PayError {
    /// WeChat Pay answered with an error (`{code, message}`), e.g. `ORDERPAID`, `ORDER_NOT_EXIST`,
    /// `NOT_ENOUGH`, `SIGN_ERROR`, `SYSTEM_ERROR`, `FREQUENCY_LIMITED`.
    #[error("WeChat Pay refused ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("WeChat Pay unreachable: {0}")]
    Unreachable(reqwest::Error),
    /// The answer's signature did not check: it is not taken as WeChat Pay's word.
    #[error("WeChat Pay's answer failed its signature check: {0}")]
    Unverified(PayCryptoError),
    #[error("unexpected WeChat Pay answer: {0}")]
    BadReply(String),
}

impl PayError {
    pub fn code(&self) -> Option<&str> {
        match self {
            PayError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// A JSAPI order of the elder's share.
#[derive(Debug, Clone)]
pub struct JsapiOrder<'a> {
    pub sub_mchid: &'a str,
    pub description: &'a str,
    pub out_trade_no: &'a str,
    pub expires_at: DateTime<Utc>,
    pub amount_fen: i64,
    pub payer_openid: &'a str,
}

/// What `wx.requestPayment` takes, signed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestPayment {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    pub package: String,
    pub sign_type: String,
    pub pay_sign: String,
}

/// A trade as a query or a notification describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Transaction {
    pub out_trade_no: String,
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub sub_mchid: Option<String>,
    /// `SUCCESS`, `NOTPAY`, `CLOSED`, `REFUND`, …: WeChat Pay's words, read where they arrive.
    pub trade_state: String,
    #[serde(default)]
    pub success_time: Option<DateTime<chrono::FixedOffset>>,
    #[serde(default)]
    pub amount: Option<TransactionAmount>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TransactionAmount {
    pub total: i64,
    #[serde(default)]
    pub payer_total: Option<i64>,
}

impl Transaction {
    pub fn is_paid(&self) -> bool {
        // REFUND: paid, and a refund has since been made.
        matches!(self.trade_state.as_str(), "SUCCESS" | "REFUND")
    }
}

#[derive(Debug, Clone)]
pub struct RefundOrder<'a> {
    pub sub_mchid: &'a str,
    pub out_trade_no: &'a str,
    pub out_refund_no: &'a str,
    pub reason: &'a str,
    pub refund_fen: i64,
    pub total_fen: i64,
}

/// A refund as its answer or notification describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RefundAnswer {
    pub out_refund_no: String,
    #[serde(default)]
    pub refund_id: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    /// `status` in the answer, `refund_status` in the notification: `SUCCESS`, `PROCESSING`,
    /// `CLOSED`, `ABNORMAL`.
    #[serde(alias = "refund_status")]
    pub status: String,
}

/// A notification, signature checked and resource decrypted.
#[derive(Debug, Clone)]
pub struct Notice {
    pub id: String,
    pub event_type: String,
    /// The decrypted resource, as WeChat Pay wrote it.
    pub plaintext: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("notification headers missing: {0}")]
    MissingHeader(&'static str),
    #[error("notification signed with an unknown key {0}")]
    UnknownSerial(String),
    #[error("notification timestamp is {skew_secs}s from our clock")]
    Stale { skew_secs: i64 },
    #[error(transparent)]
    Crypto(#[from] PayCryptoError),
    #[error("notification is not WeChat Pay's envelope: {0}")]
    Malformed(String),
}

/// How far a notification's `Wechatpay-Timestamp` may be from the service's clock (a duration
/// between the two, never one clock's instant taken for the other's): WeChat Pay's own SDKs
/// allow five minutes.
pub const NOTICE_TOLERANCE_SECS: i64 = 300;

/// The notification envelope before its resource is decrypted.
#[derive(Deserialize)]
struct Envelope {
    id: String,
    event_type: String,
    resource: EncryptedResource,
}

#[derive(Deserialize)]
struct EncryptedResource {
    ciphertext: String,
    nonce: String,
    #[serde(default)]
    associated_data: String,
}

pub struct PayClientKeys {
    pub merchant: SigningIdentity,
    pub apiv3: ApiV3Key,
    pub platform: Vec<PublicKey>,
}

impl PayClient {
    pub fn new(
        api_base: String,
        sp_mchid: String,
        sp_appid: String,
        keys: PayClientKeys,
        notify_base: String,
        clock: crate::clock::Clock,
    ) -> Result<Self, reqwest::Error> {
        crate::wechat::client::install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            http,
            api_base,
            sp_mchid,
            sp_appid,
            merchant: keys.merchant,
            apiv3: keys.apiv3,
            platform: keys.platform,
            notify_base,
            clock,
        })
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    pub fn notify_url(&self) -> String {
        format!("{}/wechatpay/notify", self.notify_base)
    }

    pub fn refund_notify_url(&self) -> String {
        format!("{}/wechatpay/refund-notify", self.notify_base)
    }

    /// `POST /v3/pay/partner/transactions/jsapi`: the prepay id for `wx.requestPayment`.
    pub async fn prepay(&self, order: &JsapiOrder<'_>) -> (Exchange, Result<String, PayError>) {
        let body = json!({
            "sp_appid": self.sp_appid,
            "sp_mchid": self.sp_mchid,
            "sub_mchid": order.sub_mchid,
            "description": order.description,
            "out_trade_no": order.out_trade_no,
            "time_expire": order.expires_at
                .with_timezone(&crate::clock::SHANGHAI)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            "notify_url": self.notify_url(),
            "amount": { "total": order.amount_fen, "currency": "CNY" },
            "payer": { "sp_openid": order.payer_openid },
        });
        let (exchange, answer) = self
            .call("POST", "/v3/pay/partner/transactions/jsapi", Some(body))
            .await;
        let outcome = answer.and_then(|value| {
            value
                .get("prepay_id")
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| PayError::BadReply("no prepay_id".into()))
        });
        (exchange, outcome)
    }

    /// The parameters of `wx.requestPayment` for a prepay id, signed with the merchant key.
    pub fn request_payment(&self, prepay_id: &str, now: DateTime<Utc>) -> RequestPayment {
        let time_stamp = now.timestamp().to_string();
        let nonce_str = crypto::nonce(32);
        let package = format!("prepay_id={prepay_id}");
        let pay_sign = self.merchant.sign(&crypto::pay_sign_message(
            &self.sp_appid,
            &time_stamp,
            &nonce_str,
            &package,
        ));
        RequestPayment {
            app_id: self.sp_appid.clone(),
            time_stamp,
            nonce_str,
            package,
            sign_type: "RSA".into(),
            pay_sign,
        }
    }

    /// `GET /v3/pay/partner/transactions/out-trade-no/{no}`.
    pub async fn query(
        &self,
        sub_mchid: &str,
        out_trade_no: &str,
    ) -> (Exchange, Result<Transaction, PayError>) {
        let path = format!(
            "/v3/pay/partner/transactions/out-trade-no/{out_trade_no}?sp_mchid={}&sub_mchid={sub_mchid}",
            self.sp_mchid
        );
        let (exchange, answer) = self.call("GET", &path, None).await;
        let outcome = answer.and_then(|value| {
            serde_json::from_value(value).map_err(|e| PayError::BadReply(e.to_string()))
        });
        (exchange, outcome)
    }

    /// `POST …/out-trade-no/{no}/close`: no payment can be made on the trade afterwards.
    pub async fn close(
        &self,
        sub_mchid: &str,
        out_trade_no: &str,
    ) -> (Exchange, Result<(), PayError>) {
        let path = format!("/v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close");
        let body = json!({ "sp_mchid": self.sp_mchid, "sub_mchid": sub_mchid });
        let (exchange, answer) = self.call("POST", &path, Some(body)).await;
        (exchange, answer.map(|_| ()))
    }

    /// `POST /v3/refund/domestic/refunds`. Accepted is not refunded: the notification (or a
    /// query) says when the money is back.
    pub async fn refund(
        &self,
        refund: &RefundOrder<'_>,
    ) -> (Exchange, Result<RefundAnswer, PayError>) {
        let body = json!({
            "sub_mchid": refund.sub_mchid,
            "out_trade_no": refund.out_trade_no,
            "out_refund_no": refund.out_refund_no,
            "reason": refund.reason,
            "notify_url": self.refund_notify_url(),
            "amount": { "refund": refund.refund_fen, "total": refund.total_fen, "currency": "CNY" },
        });
        let (exchange, answer) = self
            .call("POST", "/v3/refund/domestic/refunds", Some(body))
            .await;
        let outcome = answer.and_then(|value| {
            serde_json::from_value(value).map_err(|e| PayError::BadReply(e.to_string()))
        });
        (exchange, outcome)
    }

    /// `GET /v3/bill/tradebill` then its `download_url`: a sub-merchant's `ALL` bill of a day
    /// (Shanghai), its SHA1 checked. `Ok(None)` when WeChat Pay has no bill for the day (no
    /// trade was made: `NO_STATEMENT_EXIST`).
    pub async fn trade_bill(
        &self,
        sub_mchid: &str,
        date: chrono::NaiveDate,
    ) -> (Exchange, Result<Option<String>, PayError>) {
        let path =
            format!("/v3/bill/tradebill?bill_date={date}&sub_mchid={sub_mchid}&bill_type=ALL");
        let (mut exchange, answer) = self.call("GET", &path, None).await;
        let located = match answer {
            Ok(value) => value,
            Err(err) if err.code() == Some("NO_STATEMENT_EXIST") => return (exchange, Ok(None)),
            Err(err) => return (exchange, Err(err)),
        };
        let (Some(url), Some(hash_type), Some(hash)) = (
            located["download_url"].as_str(),
            located["hash_type"].as_str(),
            located["hash_value"].as_str(),
        ) else {
            return (
                exchange,
                Err(PayError::BadReply("no download_url or hash".into())),
            );
        };
        if hash_type != "SHA1" {
            return (
                exchange,
                Err(PayError::BadReply(format!("hash_type {hash_type}"))),
            );
        }
        let bytes = match self.download(url).await {
            Ok(bytes) => bytes,
            Err(err) => return (exchange, Err(err)),
        };
        let digest = {
            use sha1::Digest;
            hex::encode(sha1::Sha1::digest(&bytes))
        };
        if !digest.eq_ignore_ascii_case(hash) {
            return (
                exchange,
                Err(PayError::BadReply("the bill's SHA1 does not match".into())),
            );
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // The file itself is kept with the import, not in the exchange.
        exchange.response = format!("{} (bill: {} bytes)", exchange.response, bytes.len());
        (exchange, Ok(Some(text)))
    }

    /// Downloads a bill: the request is signed like any other (over the URL's path and query);
    /// the answer is not, which is why the bill's hash is checked instead.
    async fn download(&self, url: &str) -> Result<Vec<u8>, PayError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| PayError::BadReply(e.to_string()))?;
        let path_and_query = match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_string(),
        };
        let authorization = crypto::authorization(
            &self.sp_mchid,
            &self.merchant,
            "GET",
            &path_and_query,
            "",
            self.clock.now().timestamp(),
            &crypto::nonce(32),
        );
        let response = self
            .http
            .get(parsed)
            .header("Authorization", authorization)
            .send()
            .await
            .map_err(|e| PayError::Unreachable(e.without_url()))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| PayError::Unreachable(e.without_url()))?;
        if !(200..300).contains(&status) {
            return Err(PayError::Refused {
                status,
                code: String::new(),
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            });
        }
        Ok(bytes.to_vec())
    }

    /// Reads a notification: the key named by `Wechatpay-Serial` must have signed
    /// `timestamp\nnonce\nbody\n` over the raw body, the timestamp must be within
    /// [`NOTICE_TOLERANCE_SECS`] of `now` (the service's clock), and the resource must decrypt.
    pub fn read_notice(
        &self,
        header: impl Fn(&str) -> Option<String>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Notice, NoticeError> {
        let serial =
            header("Wechatpay-Serial").ok_or(NoticeError::MissingHeader("Wechatpay-Serial"))?;
        let signature = header("Wechatpay-Signature")
            .ok_or(NoticeError::MissingHeader("Wechatpay-Signature"))?;
        let timestamp = header("Wechatpay-Timestamp")
            .ok_or(NoticeError::MissingHeader("Wechatpay-Timestamp"))?;
        let nonce =
            header("Wechatpay-Nonce").ok_or(NoticeError::MissingHeader("Wechatpay-Nonce"))?;
        let key = self
            .platform
            .iter()
            .find(|key| key.serial == serial)
            .ok_or_else(|| NoticeError::UnknownSerial(serial.clone()))?;
        let seconds: i64 = timestamp
            .parse()
            .map_err(|_| NoticeError::Malformed("Wechatpay-Timestamp is not a number".into()))?;
        let skew_secs = now.timestamp() - seconds;
        if skew_secs.abs() > NOTICE_TOLERANCE_SECS {
            return Err(NoticeError::Stale { skew_secs });
        }
        key.verify(
            &crypto::response_message(&timestamp, &nonce, body),
            &signature,
        )?;
        let envelope: Envelope =
            serde_json::from_slice(body).map_err(|e| NoticeError::Malformed(e.to_string()))?;
        let plaintext = self.apiv3.decrypt(
            &envelope.resource.nonce,
            &envelope.resource.associated_data,
            &envelope.resource.ciphertext,
        )?;
        Ok(Notice {
            id: envelope.id,
            event_type: envelope.event_type,
            plaintext: String::from_utf8(plaintext)
                .map_err(|_| NoticeError::Malformed("resource is not UTF-8".into()))?,
        })
    }

    /// One signed call; a 2xx answer counts only when its signature checks.
    async fn call(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<serde_json::Value>,
    ) -> (Exchange, Result<serde_json::Value, PayError>) {
        let body_text = body.map(|b| b.to_string());
        let mut exchange = Exchange {
            request: body_text.clone(),
            ..Default::default()
        };
        let timestamp = self.clock.now().timestamp();
        let nonce = crypto::nonce(32);
        let authorization = crypto::authorization(
            &self.sp_mchid,
            &self.merchant,
            method,
            path_and_query,
            body_text.as_deref().unwrap_or(""),
            timestamp,
            &nonce,
        );
        let url = format!("{}{}", self.api_base, path_and_query);
        let mut request = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url),
        }
        .header("Authorization", authorization)
        .header("Accept", "application/json");
        if let Some(text) = body_text {
            request = request
                .header("Content-Type", "application/json")
                .body(text);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => return (exchange, Err(PayError::Unreachable(err.without_url()))),
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let signed = (
            header("Wechatpay-Serial"),
            header("Wechatpay-Signature"),
            header("Wechatpay-Timestamp"),
            header("Wechatpay-Nonce"),
        );
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(err) => return (exchange, Err(PayError::Unreachable(err.without_url()))),
        };
        exchange.status = Some(status);
        exchange.response = String::from_utf8_lossy(&bytes).into_owned();
        if !(200..300).contains(&status) {
            let (code, message) = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .map(|v| {
                    (
                        v["code"].as_str().unwrap_or_default().to_string(),
                        v["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .unwrap_or_default();
            return (
                exchange,
                Err(PayError::Refused {
                    status,
                    code,
                    message,
                }),
            );
        }
        let verified = match signed {
            (Some(serial), Some(signature), Some(timestamp), Some(nonce)) => self
                .platform
                .iter()
                .find(|key| key.serial == serial)
                .ok_or(PayCryptoError::BadSignature)
                .and_then(|key| {
                    key.verify(
                        &crypto::response_message(&timestamp, &nonce, &bytes),
                        &signature,
                    )
                }),
            _ => Err(PayCryptoError::MalformedSignature),
        };
        if let Err(err) = verified {
            return (exchange, Err(PayError::Unverified(err)));
        }
        if bytes.is_empty() {
            return (exchange, Ok(serde_json::Value::Null));
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| PayError::BadReply(e.to_string()));
        (exchange, value)
    }
}
