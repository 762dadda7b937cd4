//! `cases site DIR`: the support manager's dashboard as a static site of
//! the store as of `--now` (see `crate::site` for its pages). One pass over
//! the store on all cores tallies the report and keeps the cases that get
//! a page; the pages are rendered on all cores into a temporary directory
//! beside DIR, which then replaces DIR: a failed run leaves the old site.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

use super::report::{read_what_if, PeriodArgs};
use super::{parse_duration_arg, CommandError, Context, Outcome};
use crate::case::State;
use crate::customer_status::{self, CaseStatus, Shown};
use crate::policy::{format_duration, Policy, PolicySet};
use crate::report::{ReportRequest, Tally};
use crate::site::{
    self, accounts::AccountStatus, report_page::ReportView, CaseFacts, SiteFile, SiteInput,
};
use crate::store::{format_instant, Scanned, Store};

/// The file that marks a directory as a site `cases site` wrote, so that
/// it never replaces a directory holding anything else.
pub const SITE_MARKER: &str = ".cases-site";

#[derive(Debug, clap::Args)]
#[command(mut_arg("since", |arg| arg.help("Start of the report period: a date (from its 00:00 UTC) or an RFC 3339 instant [default: Monday 00:00 UTC twelve weeks before this week's, i.e. 13 weeks]")))]
#[command(mut_arg("by", |arg| arg.help("Break attainment down by these on the report page, comma-separated: severity, plan, region, owner")))]
pub struct SiteArgs {
    /// The directory to write the site into. It is replaced as a whole, so
    /// it must be new, empty, or a site written by an earlier `cases site`.
    pub dir: PathBuf,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Also build a what-if page: the report under this policy, side by side.
    #[arg(long, value_name = "FILE")]
    pub what_if: Option<PathBuf>,
    /// Running clocks due within this are listed as at risk (e.g. 2h, 1h30m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, default_value = "2h")]
    pub at_risk: Duration,
    /// Closed cases keep a page this long after closing (e.g. 30d, 90d); older ones have none.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg, default_value = "30d")]
    pub closed_within: Duration,
}

/// Monday 00:00 UTC of the week twelve weeks before `now`'s.
fn default_since(now: DateTime<Utc>) -> DateTime<Utc> {
    let monday = now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    (monday - Duration::weeks(12))
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// What one pass over the store gathers.
#[derive(Default)]
struct Gathered {
    current: Tally,
    other: Option<Tally>,
    /// Cases that get a page.
    paged: Vec<CaseFacts>,
    /// With the customer status view on: each account (as of now) and
    /// its cases the account page shows.
    accounts: Option<BTreeMap<String, Vec<CaseStatus>>>,
    /// `(number, error)` of the lowest-numbered case that failed.
    error: Option<(u64, CommandError)>,
}

pub fn cmd_site(ctx: &mut Context, args: SiteArgs) -> Result<Outcome, CommandError> {
    if ctx.format() != super::Format::Table {
        return Err(CommandError::usage(
            "cases site writes HTML pages into DIR; --format does not apply to it",
        ));
    }
    let target = check_target(&args.dir)?;
    let policy = ctx.policy()?;
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = ctx.now;
    let until = args.period.until.unwrap_or(now + Duration::seconds(1));
    let since = args.period.since.unwrap_or_else(|| default_since(now));
    if since >= until {
        return Err(CommandError::usage(format!(
            "--since {} is not before --until {}",
            format_instant(since),
            format_instant(until)
        )));
    }
    if args.closed_within < Duration::zero() {
        return Err(CommandError::usage("--closed-within must not be negative"));
    }
    let request = ReportRequest {
        since: Some(since),
        until,
        as_of: Some(now),
        by: args.period.by.clone(),
    };
    let what_if = args.what_if.as_deref().map(read_what_if).transpose()?;
    let other_policy = what_if.as_ref().map(|(_, p)| p);

    // The current policy decides whether customers get pages (a
    // presentation switch, whatever version each case recorded).
    let gathered = gather(
        &store,
        &policies,
        &request,
        other_policy,
        now,
        args.closed_within,
        policy.customer_status,
    )?;
    if let Some((_, error)) = gathered.error {
        return Err(error);
    }
    let mut paged = gathered.paged;
    paged.sort_unstable_by_key(|f| f.case.number());
    let report = gathered.current.finish(&request, &policy);
    let other = what_if
        .as_ref()
        .zip(gathered.other)
        .map(|((name, other_policy), tally)| {
            let report = tally.finish(&request, other_policy);
            (name.clone(), report)
        });

    let queue = taking_order(&paged);
    let accounts: Option<Vec<AccountStatus>> = gathered.accounts.map(|accounts| {
        accounts
            .into_iter()
            .map(|(name, mut cases)| {
                cases.sort_unstable_by_key(|c| c.number);
                AccountStatus { name, cases }
            })
            .collect()
    });

    let input = SiteInput {
        policy: &policy,
        now,
        at_risk: args.at_risk,
        closed_within: args.closed_within,
        report: ReportView {
            request: &request,
            report: &report,
            what_if: other.as_ref().map(|(name, r)| (name.as_str(), r)),
        },
        cases: &paged,
        queue: &queue,
        accounts: accounts.as_deref(),
    };
    let written = write_site(&target, &input)?;
    ctx.err.push_str(&format!(
        "cases: wrote the site of {} at {} to {}: {} files ({} case pages; open cases and cases closed within {}), {} bytes\n",
        store.root().display(),
        format_instant(now),
        args.dir.display(),
        written.files,
        paged.len(),
        format_duration(args.closed_within),
        written.bytes
    ));
    if let Some(accounts) = &accounts {
        ctx.err.push_str(&format!(
            "cases: the customer status view is on ({}): {} account pages in {}/{}/\n",
            ctx.location().policy.display(),
            accounts.len(),
            args.dir.display(),
            site::accounts::ACCOUNTS_DIR
        ));
    }
    Ok(Outcome::Success)
}

/// Every case read once, on all cores: the report's tallies (under each
/// case's policy version, and under the what-if policy), and the facts of
/// each case that gets a page; the first error by case number.
fn gather(
    store: &Store,
    policies: &PolicySet,
    request: &ReportRequest,
    other_policy: Option<&Policy>,
    now: DateTime<Utc>,
    closed_within: Duration,
    customer_status_on: bool,
) -> Result<Gathered, CommandError> {
    Ok(store.fold(
        || Gathered {
            other: other_policy.map(|_| Tally::new()),
            accounts: customer_status_on.then(BTreeMap::new),
            ..Gathered::default()
        },
        |mut acc, file, read| {
            if acc.error.is_some() {
                return acc;
            }
            let added = read
                .and_then(Scanned::into_case)
                .map_err(CommandError::from)
                .and_then(|case| {
                    // Each case under the policy version it recorded.
                    let policy = super::policy::of_case(policies, &case)?;
                    acc.current.add(&case, policy, request)?;
                    if let (Some(tally), Some(other)) = (acc.other.as_mut(), other_policy) {
                        tally.add(&case, other, request)?;
                    }
                    let Some(as_of) = case.view_as_of(now) else {
                        return Ok(());
                    };
                    if let Some(accounts) = acc.accounts.as_mut() {
                        // Every account gets a page, empty when none of its
                        // cases is shown, so its address never changes.
                        let cases = accounts
                            .entry(as_of.header().facts.account.clone())
                            .or_default();
                        let shown = Shown::OpenAndReopenable;
                        cases.extend(customer_status::case_status(&as_of, policy, now, shown)?);
                    }
                    if site::gets_page(&as_of, now, closed_within) {
                        if let Some(facts) = CaseFacts::of(&as_of, policy, now)? {
                            acc.paged.push(facts);
                        }
                    }
                    Ok(())
                });
            acc.error = added.err().map(|e| (file.number, e));
            acc
        },
        |mut a, b| {
            a.current = a.current.merge(b.current);
            a.other = match (a.other, b.other) {
                (Some(x), Some(y)) => Some(x.merge(y)),
                (x, y) => x.or(y),
            };
            a.paged.extend(b.paged);
            a.accounts = match (a.accounts, b.accounts) {
                (Some(mut x), Some(y)) => {
                    for (name, cases) in y {
                        x.entry(name).or_default().extend(cases);
                    }
                    Some(x)
                }
                (x, y) => x.or(y),
            };
            // The error of the lowest-numbered case, as a sequential read would give.
            a.error = match (a.error, b.error) {
                (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
                (x, y) => x.or(y),
            };
            a
        },
    )?)
}

/// The numbers of the queued cases among `paged` in taking order, as
/// `cases queue` gives it.
fn taking_order(paged: &[CaseFacts]) -> Vec<u64> {
    let mut queued: Vec<&CaseFacts> = paged
        .iter()
        .filter(|f| f.case.header().state == State::New)
        .collect();
    queued.sort_by_key(|f| {
        let due = crate::rules::awaited_response(&f.clocks).and_then(|r| r.due_at);
        crate::rules::taking_key(&f.case, due)
    });
    queued.iter().map(|f| f.case.number()).collect()
}

/// Where the site goes: its parent directory and its own name.
struct Target {
    dir: PathBuf,
    parent: PathBuf,
    name: String,
    exists: bool,
}

/// Checks that DIR may be written: absent, an empty directory, or a site
/// written earlier (it holds [`SITE_MARKER`]); never a link, a file, or a
/// directory holding anything else (a store, a home directory).
fn check_target(dir: &Path) -> Result<Target, CommandError> {
    let shown = dir.display();
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| {
            CommandError::usage(format!(
                "site directory {shown}: name a directory of its own (such as public or site)"
            ))
        })?
        .to_string();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(CommandError::usage(format!(
            "site directory {shown}: its parent {} is not a directory",
            parent.display()
        )));
    }
    let exists = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(CommandError::unreadable(format!(
                "site directory {shown}: {e}"
            )))
        }
        Ok(m) if m.file_type().is_symlink() => {
            return Err(CommandError::usage(format!(
                "site directory {shown} is a symbolic link; name the directory itself"
            )))
        }
        Ok(m) if !m.is_dir() => {
            return Err(CommandError::usage(format!(
                "site directory {shown} exists and is not a directory"
            )))
        }
        Ok(_) => {
            let marked = fs::symlink_metadata(dir.join(SITE_MARKER)).is_ok_and(|m| m.is_file());
            let empty = fs::read_dir(dir)
                .map_err(|e| CommandError::unreadable(format!("site directory {shown}: {e}")))?
                .next()
                .is_none();
            if !marked && !empty {
                return Err(CommandError::usage(format!(
                    "site directory {shown} is not empty and was not written by cases site (no {SITE_MARKER}); name a new or empty directory"
                )));
            }
            true
        }
    };
    Ok(Target {
        dir: dir.to_path_buf(),
        parent,
        name,
        exists,
    })
}

/// What was written.
struct Written {
    files: usize,
    bytes: u64,
}

/// Renders every page into a temporary directory beside DIR (case pages on
/// all cores, each written as it is rendered), then puts it in DIR's
/// place. Until that rename nothing of DIR changed; the pages are not
/// fsynced one by one (a site is rebuilt from the store at will).
fn write_site(target: &Target, input: &SiteInput) -> Result<Written, CommandError> {
    use rayon::prelude::*;
    let failed = |path: &Path, e: std::io::Error| {
        CommandError::unreadable(format!("writing the site: {}: {e}", path.display()))
    };
    let temporary = tempfile::Builder::new()
        .prefix(&format!(".{}.new-", target.name))
        .tempdir_in(&target.parent)
        .map_err(|e| failed(&target.parent, e))?;
    let root = temporary.path();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A temporary directory is private; a site is for a web server to read.
        fs::set_permissions(root, fs::Permissions::from_mode(0o755))
            .map_err(|e| failed(root, e))?;
    }
    let write = |file: &SiteFile| -> Result<u64, CommandError> {
        let path = root.join(&file.path);
        fs::File::create_new(&path)
            .and_then(|mut f| f.write_all(&file.bytes))
            .map_err(|e| failed(&path, e))?;
        Ok(file.bytes.len() as u64)
    };
    let mut directories: std::collections::BTreeSet<String> = ["owners".to_string()].into();
    if input.accounts.is_some() {
        directories.insert(site::accounts::ACCOUNTS_DIR.to_string());
    }
    for facts in input.cases {
        if let Some((dir, _)) = site::case_path(facts.case.number()).rsplit_once('/') {
            directories.insert(dir.to_string());
        }
    }
    for dir in &directories {
        fs::create_dir_all(root.join(dir)).map_err(|e| failed(&root.join(dir), e))?;
    }
    let pages = site::pages(input);
    let mut bytes = 0;
    for file in &pages {
        bytes += write(file)?;
    }
    let linked = site::paged_numbers(input.cases);
    let case_bytes: u64 = input
        .cases
        .par_iter()
        .map(|facts| write(&site::case_page(input, &linked, facts)))
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    bytes += case_bytes;
    write(&SiteFile {
        path: SITE_MARKER.into(),
        bytes: b"written by cases site; the whole directory is replaced on the next run\n".to_vec(),
    })?;
    let files = pages.len() + input.cases.len();

    // Swap: the old site aside, the new one in, the old one removed.
    let new_root = temporary.keep();
    let old = target.exists.then(|| {
        target
            .parent
            .join(format!(".{}.old-{}", target.name, std::process::id()))
    });
    if let Some(old) = &old {
        if let Err(e) = fs::rename(&target.dir, old) {
            let _ = fs::remove_dir_all(&new_root);
            return Err(failed(&target.dir, e));
        }
    }
    if let Err(e) = fs::rename(&new_root, &target.dir) {
        if let Some(old) = &old {
            let _ = fs::rename(old, &target.dir);
        }
        let _ = fs::remove_dir_all(&new_root);
        return Err(failed(&target.dir, e));
    }
    if let Some(old) = old {
        let _ = fs::remove_dir_all(old);
    }
    Ok(Written { files, bytes })
}
