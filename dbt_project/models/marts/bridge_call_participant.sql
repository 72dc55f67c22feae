with

call_participants as (

    select * from {{ ref('int_call_participants_merged') }}

    -- calls held back by a row-level rule are in audit.quarantine, not in the marts
    where call_id not in (
        select violations.call_id from {{ ref('int_call_rule_violations') }} as violations
    )

),

actors as (

    select * from {{ ref('int_actors_unioned') }}

),

role_titles as (

    select * from {{ ref('stg_reference__role_titles') }}

),

actor_periods as (

    select
        *,
        coalesce(valid_from, date '0001-01-01') as period_start,
        coalesce(valid_to, date '9999-12-31') as period_end

    from actors

),

reference_actor_ids as (

    select distinct actor_id

    from actors

    where is_reference

),

-- one name per person for a call no role row covers: the latest role's
actor_names as (

    select
        actor_id,
        arg_max(canonical_name, coalesce(valid_from, date '0001-01-01')) as canonical_name

    from actors

    group by actor_id

),

principal_roles as (

    select
        role,
        bool_or(is_principal) as is_principal_role

    from role_titles

    group by role

),

-- the actor's role row valid on the call date, preferring the reported role
-- among concurrent roles, then the latest started; actors first seen in
-- articles have one open-ended row without dates
actor_rows as (

    select
        call_participants.call_participant_id,
        actor_periods.actor_key,
        actor_periods.role,
        actor_periods.canonical_name

    from call_participants

    inner join actor_periods
        on
            call_participants.actor_id = actor_periods.actor_id
            and (
                not actor_periods.is_reference
                -- an undated call: any role of the person (the reported one first, below)
                or call_participants.call_date is null
                -- a month- or year-precision call matches a role held at any time in that period
                or (
                    actor_periods.period_start <= case call_participants.date_precision
                        when 'month' then last_day(call_participants.call_date)
                        when 'year' then make_date(year(call_participants.call_date), 12, 31)
                        else call_participants.call_date
                    end
                    and call_participants.call_date <= actor_periods.period_end
                )
            )

    qualify row_number() over (
        partition by call_participants.call_participant_id
        order by
            coalesce(actor_periods.role = call_participants.role_as_reported, false) desc,
            actor_periods.period_start desc,
            actor_periods.actor_key asc
    ) = 1

),

joined as (

    select
        call_participants.call_participant_id,
        call_participants.call_id,
        call_participants.actor_id,
        actor_rows.actor_key,
        call_participants.country_iso3,
        coalesce(call_participants.role_as_reported, actor_rows.role) as role_at_call,
        call_participants.role_as_reported,
        call_participants.name_as_reported,
        coalesce(
            actor_rows.canonical_name,
            actor_names.canonical_name,
            call_participants.canonical_name
        ) as canonical_name,
        reference_actor_ids.actor_id is not null as is_reference,
        call_participants.call_date,
        call_participants.n_reports

    from call_participants

    left join actor_rows
        on call_participants.call_participant_id = actor_rows.call_participant_id

    left join reference_actor_ids
        on call_participants.actor_id = reference_actor_ids.actor_id

    left join actor_names
        on call_participants.actor_id = actor_names.actor_id

),

final as (

    select
        joined.*,
        principal_roles.is_principal_role

    from joined

    left join principal_roles
        on joined.role_at_call = principal_roles.role

)

select * from final
