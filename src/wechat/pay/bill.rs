//! WeChat Pay's trade bill (交易账单, `GET /v3/bill/tradebill`, `bill_type=ALL`) as the service
//! downloads it: CSV with a header row, one row per payment or refund, every field prefixed with
//! a backtick (so a spreadsheet keeps numbers as text), then a summary header and one summary
//! row. Columns are found by their header names, so WeChat Pay adding or moving one changes
//! nothing. The fake writes bills with [`write`]; the service reads them with [`parse`].

use std::{collections::HashMap, str::FromStr};

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

/// The header of a 服务商 (partner) `ALL` bill, as WeChat Pay writes it.
pub const HEADER: [&str; 27] = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
];

pub const SUMMARY_HEADER: [&str; 7] = [
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
];

/// One row of the bill: a payment (`SUCCESS`) or a refund (`REFUND`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// Shanghai time, as the bill writes it.
    pub at: NaiveDateTime,
    pub sub_mchid: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub refund: Option<BillRefund>,
    /// 订单金额 of a payment row; of a refund row, the refunded trade's.
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRefund {
    pub refund_id: String,
    pub out_refund_no: String,
    /// 退款金额.
    pub amount_fen: i64,
}

/// A parsed bill and its summary (总交易单数 …, as WeChat Pay summed it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bill {
    pub rows: Vec<BillRow>,
    pub trades: i64,
    pub paid_fen: i64,
    pub refunded_fen: i64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BillError {
    #[error("bill has no header row")]
    NoHeader,
    #[error("bill header lacks the column {0}")]
    MissingColumn(&'static str),
    #[error("bill line {line}: {problem}")]
    BadLine { line: usize, problem: String },
    #[error("bill has no summary")]
    NoSummary,
    #[error("bill rows do not add up to its summary ({0})")]
    SummaryMismatch(&'static str),
}

/// `12.50` → 1250; more than two decimals is not a bill amount.
pub fn fen_of(text: &str) -> Option<i64> {
    let value = Decimal::from_str(text.trim()).ok()?;
    let fen = value * Decimal::ONE_HUNDRED;
    if !fen.fract().is_zero() {
        return None;
    }
    rust_decimal::prelude::ToPrimitive::to_i64(&fen)
}

pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

fn fields(line: &str) -> Vec<String> {
    line.split(',')
        .map(|field| field.trim().trim_start_matches('`').to_string())
        .collect()
}

/// Reads a bill, checking that its rows add up to its summary, to the fen.
pub fn parse(text: &str) -> Result<Bill, BillError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(BillError::NoHeader)?;
    let index: HashMap<String, usize> = fields(header)
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, i))
        .collect();
    let column = |name: &'static str| {
        index
            .get(name)
            .copied()
            .ok_or(BillError::MissingColumn(name))
    };
    let at = column("交易时间")?;
    let sub_mchid = column("特约商户号")?;
    let transaction_id = column("微信订单号")?;
    let out_trade_no = column("商户订单号")?;
    let state = column("交易状态")?;
    let total = column("订单金额")?;
    let refund_id = column("微信退款单号")?;
    let out_refund_no = column("商户退款单号")?;
    let refund_fen = column("退款金额")?;
    let mut bill = Bill::default();
    let mut summary = None;
    while let Some((number, line)) = lines.next() {
        let bad = |problem: &str| BillError::BadLine {
            line: number + 1,
            problem: problem.to_string(),
        };
        let row = fields(line);
        if row.first().map(String::as_str) == Some(SUMMARY_HEADER[0]) {
            let (_, totals) = lines.next().ok_or(BillError::NoSummary)?;
            summary = Some(fields(totals));
            break;
        }
        if row.len() < index.len() {
            return Err(bad("too few fields"));
        }
        let money = |i: usize| fen_of(&row[i]).ok_or_else(|| bad("amount is not yuan.fen"));
        let refund = match row[state].as_str() {
            "SUCCESS" => None,
            "REFUND" => Some(BillRefund {
                refund_id: row[refund_id].clone(),
                out_refund_no: row[out_refund_no].clone(),
                amount_fen: money(refund_fen)?,
            }),
            // 撤销 and the like: no money moved.
            _ => continue,
        };
        bill.rows.push(BillRow {
            at: NaiveDateTime::parse_from_str(&row[at], "%Y-%m-%d %H:%M:%S")
                .map_err(|_| bad("交易时间 is not a time"))?,
            sub_mchid: row[sub_mchid].clone(),
            transaction_id: row[transaction_id].clone(),
            out_trade_no: row[out_trade_no].clone(),
            amount_fen: money(total)?,
            refund,
        });
    }
    let summary = summary.ok_or(BillError::NoSummary)?;
    let total = |i: usize| {
        summary
            .get(i)
            .and_then(|t| fen_of(t))
            .ok_or(BillError::SummaryMismatch("unreadable"))
    };
    bill.trades = summary
        .first()
        .and_then(|n| n.parse().ok())
        .ok_or(BillError::SummaryMismatch("总交易单数"))?;
    bill.refunded_fen = total(2)?;
    bill.paid_fen = total(5)?;
    if bill.trades != bill.rows.len() as i64 {
        return Err(BillError::SummaryMismatch("总交易单数"));
    }
    let paid: i64 = bill
        .rows
        .iter()
        .filter(|r| r.refund.is_none())
        .map(|r| r.amount_fen)
        .sum();
    let refunded: i64 = bill
        .rows
        .iter()
        .filter_map(|r| r.refund.as_ref())
        .map(|r| r.amount_fen)
        .sum();
    if paid != bill.paid_fen {
        return Err(BillError::SummaryMismatch("订单总金额"));
    }
    if refunded != bill.refunded_fen {
        return Err(BillError::SummaryMismatch("退款总金额"));
    }
    Ok(bill)
}

/// What a bill row needs beyond [`BillRow`] to be written as WeChat Pay writes it.
pub struct WriteContext<'a> {
    pub sp_appid: &'a str,
    pub sp_mchid: &'a str,
}

/// Writes a bill as WeChat Pay does (the fake's side).
pub fn write(context: &WriteContext<'_>, rows: &[(BillRow, String)]) -> String {
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    let (mut paid, mut refunded) = (0, 0);
    for (row, openid) in rows {
        let (state, refund_id, out_refund_no, refund_fen, settled) = match &row.refund {
            None => {
                paid += row.amount_fen;
                ("SUCCESS", "0", "0", 0, row.amount_fen)
            }
            Some(refund) => {
                refunded += refund.amount_fen;
                (
                    "REFUND",
                    refund.refund_id.as_str(),
                    refund.out_refund_no.as_str(),
                    refund.amount_fen,
                    0,
                )
            }
        };
        let fields = [
            row.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            context.sp_appid.to_string(),
            context.sp_mchid.to_string(),
            row.sub_mchid.clone(),
            String::new(),
            row.transaction_id.clone(),
            row.out_trade_no.clone(),
            openid.clone(),
            "JSAPI".into(),
            state.into(),
            "OTHERS".into(),
            "CNY".into(),
            yuan_text(settled),
            "0.00".into(),
            refund_id.into(),
            out_refund_no.into(),
            yuan_text(refund_fen),
            "0.00".into(),
            if row.refund.is_some() { "ORIGINAL" } else { "" }.into(),
            if row.refund.is_some() { "SUCCESS" } else { "" }.into(),
            "助餐自付".into(),
            String::new(),
            "0.00000".into(),
            "0.60%".into(),
            yuan_text(row.amount_fen),
            yuan_text(refund_fen),
            String::new(),
        ];
        let line: Vec<String> = fields.iter().map(|f| format!("`{f}")).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.push_str(&SUMMARY_HEADER.join(","));
    out.push_str("\r\n");
    // 订单总金额 counts payment rows only: a refund row repeats its trade's amount.
    let totals = [
        rows.len().to_string(),
        yuan_text(paid),
        yuan_text(refunded),
        "0.00".into(),
        "0.00000".into(),
        yuan_text(paid),
        yuan_text(refunded),
    ];
    let line: Vec<String> = totals.iter().map(|f| format!("`{f}")).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bill as WeChat Pay's documentation shows one (fields shortened), not as the fake writes
    /// it: the reader must not depend on the writer's habits.
    const DOCUMENTED: &str = "\u{feff}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\n\
`2026-11-30 09:01:02,`wx8888888888888888,`1900000100,`1900000201,`,`4200000001,`ZC1,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`12.50,`0.00,`0,`0,`0.00,`0.00,`,`,`助餐自付,`,`0.07000,`0.60%,`12.50,`0.00,`\n\
`2026-11-30 10:11:12,`wx8888888888888888,`1900000100,`1900000201,`,`4200000001,`ZC1,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300001,`RF1,`2.00,`0.00,`ORIGINAL,`SUCCESS,`助餐自付,`,`-0.01000,`0.60%,`12.50,`2.00,`\n\
总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n\
`2,`12.50,`2.00,`0.00,`0.06000,`12.50,`2.00\n";

    #[test]
    fn reads_a_documented_bill_to_the_fen() {
        let bill = parse(DOCUMENTED).unwrap();
        assert_eq!(bill.rows.len(), 2);
        assert_eq!(bill.rows[0].amount_fen, 1250);
        assert_eq!(bill.rows[0].out_trade_no, "ZC1");
        assert_eq!(bill.rows[0].sub_mchid, "1900000201");
        let refund = bill.rows[1].refund.as_ref().unwrap();
        assert_eq!(
            (refund.out_refund_no.as_str(), refund.amount_fen),
            ("RF1", 200)
        );
        assert_eq!(
            (bill.paid_fen, bill.refunded_fen, bill.trades),
            (1250, 200, 2)
        );
    }

    #[test]
    fn a_bill_whose_rows_miss_its_summary_is_refused() {
        let tampered = DOCUMENTED.replace("`2,`12.50,`2.00", "`2,`12.51,`2.00");
        assert!(
            parse(&tampered).is_ok(),
            "应结订单总金额 is not what is checked"
        );
        let tampered = DOCUMENTED.replace("`12.50,`2.00\n", "`12.49,`2.00\n");
        assert_eq!(
            parse(&tampered),
            Err(BillError::SummaryMismatch("订单总金额"))
        );
        assert_eq!(
            parse("交易时间\n"),
            Err(BillError::MissingColumn("特约商户号"))
        );
    }

    #[test]
    fn what_the_fake_writes_reads_back() {
        let row = BillRow {
            at: NaiveDateTime::parse_from_str("2026-11-30 09:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
            sub_mchid: "1900000201".into(),
            transaction_id: "4200".into(),
            out_trade_no: "ZC9".into(),
            refund: None,
            amount_fen: 1005,
        };
        let context = WriteContext {
            sp_appid: "wx1",
            sp_mchid: "1900000100",
        };
        let text = write(&context, &[(row.clone(), "o1".into())]);
        assert_eq!(parse(&text).unwrap().rows, vec![row]);
        assert_eq!(fen_of("0.1"), Some(10));
        assert_eq!(fen_of("1.005"), None);
        assert_eq!(yuan_text(5), "0.05");
    }
}
