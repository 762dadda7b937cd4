//! Three-way merge of one case file (pure): the union of both sides' new
//! events, ordered by time with a stable tie-break, the header recomputed by
//! replay. Nothing is ever dropped: when the union does not replay (two
//! different cases under one number, two closures, two open escalations),
//! the result still holds every event and says why it conflicts, so the
//! merge driver can report a conflict and `cases check` can name the file.

use std::cmp::Ordering;

use crate::case::{replay, Case, Event, EventKind, Header};

/// What merging gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Every event of both sides, replayed into a valid case.
    Clean(Case),
    /// Every event of both sides, which do not replay: the header is ours.
    Conflict {
        header: Header,
        history: Vec<Event>,
        reason: String,
    },
}

/// A stable order for events: time, then kind, actor and content, so the
/// result does not depend on which side is "ours".
fn event_order(a: &Event, b: &Event) -> Ordering {
    a.at.cmp(&b.at)
        .then_with(|| created_first(a).cmp(&created_first(b)))
        .then_with(|| format!("{:?}", a.kind).cmp(&format!("{:?}", b.kind)))
        .then_with(|| a.by.cmp(&b.by))
}

fn created_first(event: &Event) -> u8 {
    u8::from(!matches!(event.kind, EventKind::Created(_)))
}

/// Merges `ours` and `theirs` given their common ancestor `base` (`None`
/// when both sides added the file).
pub fn merge(base: Option<&Case>, ours: &Case, theirs: &Case) -> Merged {
    let number = ours.number();
    let base_events: &[Event] = base.map_or(&[], |b| b.history());
    let prefix_of = |side: &Case| side.history().starts_with(base_events);
    let mut history: Vec<Event>;
    if prefix_of(ours) && prefix_of(theirs) {
        history = base_events.to_vec();
        let mut new_events: Vec<Event> = ours.history()[base_events.len()..].to_vec();
        for event in &theirs.history()[base_events.len()..] {
            if !new_events.contains(event) {
                new_events.push(event.clone());
            }
        }
        new_events.sort_by(event_order);
        history.extend(new_events);
    } else {
        // A side rewrote history: keep every distinct event of either side.
        history = ours.history().to_vec();
        for event in theirs.history() {
            if !history.contains(event) {
                history.push(event.clone());
            }
        }
        history.sort_by(event_order);
    }
    let created = history
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Created(_)))
        .count();
    if created > 1 || ours.number() != theirs.number() {
        return Merged::Conflict {
            header: ours.header().clone(),
            history,
            reason: format!(
                "two different cases were created as case {number} (resolve with: cases renumber {number})"
            ),
        };
    }
    match replay(number, &history)
        .map(|replayed| Case::from_parts(replayed.header, history.clone()))
    {
        Ok(Ok(case)) => Merged::Clean(case),
        Ok(Err(defect)) => Merged::Conflict {
            header: ours.header().clone(),
            history,
            reason: defect.to_string(),
        },
        Err(error) => Merged::Conflict {
            header: ours.header().clone(),
            history,
            reason: format!("history[{}]: {}", error.index, error.message),
        },
    }
}
