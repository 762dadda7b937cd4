//! `cases new`: opens a case after checking every field against the policy.

use super::read::case_json;
use super::{output, CommandError, Context, Format, Outcome};
use crate::case::{Case, Contact, Event, EventKind, Facts, Intake, PhoneCall, PHONE_CHANNEL};
use crate::policy::{Policy, ResponseStart};

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// One line saying what is wrong.
    #[arg(short = 't', long)]
    pub title: String,
    /// The customer account.
    #[arg(short = 'a', long)]
    pub account: String,
    /// The account's support plan (basic, plus, premium in the default policy).
    #[arg(short = 'p', long)]
    pub plan: String,
    /// The support region (north-america, emea in the default policy).
    #[arg(short = 'r', long)]
    pub region: String,
    /// Severity level or name: 1/critical, 2/major, 3/minor, 4/request.
    #[arg(short = 's', long)]
    pub severity: String,
    /// How the case came in: community or phone (email is refused).
    #[arg(long)]
    pub channel: String,
    /// A customer contact, "Name <email>"; repeat for more.
    #[arg(
        short = 'c',
        long = "contact",
        required = true,
        value_name = "NAME <EMAIL>"
    )]
    pub contacts: Vec<String>,
    /// The case language [default: the region's first language].
    #[arg(short = 'l', long)]
    pub language: Option<String>,
    /// An earlier case this one refers to (e.g. one closed too long ago to reopen).
    #[arg(value_parser = crate::cli::parse_case_number, long = "related", value_name = "N")]
    pub related: Vec<u64>,
}

pub fn cmd_new(ctx: &mut Context, args: NewArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    // The version in force at the opening: one effective next month is not
    // used by a case opened today.
    let policy = policies.in_force_at(ctx.now)?;
    let store = ctx.store()?;
    let intake = validate(policy, args, &|field| format!("--{field}"))?;
    ctx.authorize("created", ctx.now, policy)?;
    for &number in &intake.related {
        if !store.path_of(number).exists() {
            return Err(CommandError::usage(format!(
                "--related {number}: no case {number} in {}",
                store.root().display()
            )));
        }
    }
    // A case logged by phone was logged during a call with the customer:
    // that live call is recorded with the opening (it starts a severity 1
    // clock and is the response).
    let logged_by_phone = intake.channel == PHONE_CHANNEL;
    let (at, by) = (ctx.now, ctx.actor()?);
    let now = ctx.now;
    let created = store.create_case(|number| {
        let case = opened_case(number, intake, at, by)?;
        // Everything printed below is computed before the write.
        super::lifecycle::evaluable(&case, policy, now)?;
        case_json(&case, policy, now)?;
        Ok::<_, CommandError>(case)
    })??;
    for ignored in &created.ignored {
        ctx.err.push_str(&format!(
            "cases: warning: {} is not where the store's layout puts a case; it was not counted for the new number (cases check lists it)\n",
            ignored.display()
        ));
    }
    let case = created.case;
    let number = case.number();
    ctx.changed(
        store.path_of(number),
        format!("case {number}: {}", case.history()[0].kind.summary()),
    );
    match ctx.format() {
        Format::Json => ctx
            .out
            .push_str(&output::json(&case_json(&case, policy, ctx.now)?)),
        _ => ctx.out.push_str(&format!("{number}\n")),
    }
    let header = case.header();
    let rule = policy.severity(header.severity);
    if let (Some(rule), Some(region)) = (rule, policy.region(&header.facts.region)) {
        if rule.response_starts == ResponseStart::FirstPhoneContact && logged_by_phone {
            ctx.say(&format!(
                "case {number} is severity {} ({}), logged during a live call: that call started the initial-response clock and answered it\n",
                rule.level, rule.name,
            ));
        } else if rule.response_starts == ResponseStart::FirstPhoneContact {
            let phones: Vec<String> = policy
                .severity_1_phones(region)
                .into_iter()
                .map(|(phone, serves)| format!("{phone} ({})", serves.join(" and ")))
                .collect();
            ctx.say(&format!(
                "case {number} is severity {} ({}): call support now on {}; the initial-response clock starts with the call (record it: cases phone {number} --call live|voicemail)\n",
                rule.level,
                rule.name,
                phones.join(" or "),
            ));
        }
    }
    Ok(Outcome::Success)
}

/// Case `number` as `new` opens it at `at`: the `created` event and, for a
/// case logged by phone (logged during a call with the customer), that live
/// call, which starts a severity 1 clock and is the response.
pub(super) fn opened_case(
    number: u64,
    intake: Intake,
    at: chrono::DateTime<chrono::Utc>,
    by: String,
) -> Result<Case, CommandError> {
    let logged_by_phone = intake.channel == PHONE_CHANNEL;
    let mut case = Case::open(
        number,
        Event {
            at,
            by: by.clone(),
            kind: EventKind::Created(intake),
        },
    )?;
    if logged_by_phone {
        case.record(Event {
            at,
            by,
            kind: EventKind::PhoneContact {
                call: Some(PhoneCall::Live),
                note: None,
            },
        })?;
    }
    Ok(case)
}

/// Checks every field of `new` against the policy; the error names the
/// field as `name(field)` gives it (`--plan` for `new`, `line 3: plan`
/// for `import`) and what is allowed.
pub(super) fn validate(
    policy: &Policy,
    args: NewArgs,
    name: &dyn Fn(&str) -> String,
) -> Result<Intake, CommandError> {
    let allowed = |items: &[String]| items.join(", ");
    // The policy's rule; the words name the option (or the import field).
    let known = crate::rules::intake_channel(policy, &args.channel).map_err(|refusal| {
        CommandError::refused(format!("{} {}: {refusal}", name("channel"), args.channel))
    })?;
    if !known {
        return Err(CommandError::usage(format!(
            "{} {:?} is not a channel (allowed: {})",
            name("channel"),
            args.channel,
            allowed(&policy.intake.channels)
        )));
    }
    policy
        .plan_argument(&name("plan"), &args.plan)
        .map_err(CommandError::usage)?;
    let region = policy
        .region_argument(&name("region"), &args.region)
        .map_err(CommandError::usage)?;
    let severity = policy
        .severity_argument(&name("severity"), &args.severity)
        .map_err(CommandError::usage)?;
    let language = args.language.unwrap_or_else(|| region.languages[0].clone());
    if !region.languages.contains(&language) {
        return Err(CommandError::usage(format!(
            "{} {language:?} is not supported in {} (allowed: {})",
            name("language"),
            region.name,
            allowed(&region.languages)
        )));
    }
    let title = one_line(&name("title"), &args.title)?;
    let account = one_line(&name("account"), &args.account)?;
    let mut contacts: Vec<Contact> = Vec::new();
    for text in &args.contacts {
        let contact = Contact::parse(text).ok_or_else(|| {
            CommandError::usage(format!(
                "{} {text:?} is not a contact (allowed: \"Name <email>\")",
                name("contact")
            ))
        })?;
        if contacts
            .iter()
            .any(|c| c.email.eq_ignore_ascii_case(&contact.email))
        {
            return Err(CommandError::usage(format!(
                "{} {text:?} is given twice",
                name("contact")
            )));
        }
        contacts.push(contact);
    }
    let mut related = args.related;
    related.sort_unstable();
    related.dedup();
    Ok(Intake {
        facts: Facts {
            title,
            account,
            plan: args.plan,
            region: region.name.clone(),
            language,
        },
        severity: severity.level,
        channel: args.channel,
        contacts,
        related,
        policy_version: policy.version.clone(),
    })
}

/// A required free-text option: trimmed, non-empty, one line.
pub fn non_empty(option: &str, text: &str) -> Result<String, CommandError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CommandError::usage(format!("{option} must not be empty")));
    }
    Ok(text.to_string())
}

/// An optional free text: trimmed, and absent when empty.
pub fn optional_text(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// A required name or title (titles, accounts, contacts' names, the actor,
/// an assignee): like [`non_empty`], on one line, and without control
/// characters (C0, DEL, C1), which could drive a terminal that shows it.
pub fn one_line(option: &str, text: &str) -> Result<String, CommandError> {
    let text = non_empty(option, text)?;
    if text.contains(['\n', '\r']) {
        return Err(CommandError::usage(format!("{option} must be one line")));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(CommandError::usage(format!(
            "{option} must not hold control characters (it holds {})",
            c.escape_unicode()
        )));
    }
    Ok(text)
}
