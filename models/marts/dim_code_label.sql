{#- Every code the marts use, with Chinese and English labels: the form's codes (table 三 rows and
    applicant types, table 四 cells, table 二 measures) and the warehouse's own (statuses,
    warnings with what they mean and what to do, check statuses, agency levels and kinds, division
    statuses, report roles). Join on (code_set, code); warnings carry arguments after ':'
    (`row_incomplete:new_received:5/7`): join on split_part(warning, ':', 1). -#}
with

labels as (

    select * from {{ ref('code_labels') }}

),

form as (

    select
        case form_table
            when 'applications' then 'application_row'
            when 'applicant' then 'applicant_type'
            when 'reviews' then 'review_cell'
            when 'proactive' then 'proactive_measure'
        end as code_set,
        code,
        label_zh,
        label_en,
        null as meaning_zh,
        null as meaning_en,
        null as action_zh,
        null as action_en
    from {{ ref('stg_form_rows') }}

),

-- measures with their formula in words (numerator ÷ denominator), and the codes of prose statements
measures as (

    select
        'measure' as code_set,
        measure as code,
        label_zh,
        label_en,
        numerator_zh || coalesce(' ÷ ' || denominator_zh, '') as meaning_zh,
        numerator_en || coalesce(' ÷ ' || denominator_en, '') as meaning_en,
        null as action_zh,
        null as action_en
    from {{ ref('measures') }}

),

statements as (

    select
        'statement' as code_set,
        statement as code,
        label_zh,
        label_en,
        '复述：' || restates_zh as meaning_zh,
        'Restates: ' || restates_en as meaning_en,
        null as action_zh,
        null as action_en
    from {{ ref('statements') }}

),

final as (

    select code_set, code, label_zh, label_en, meaning_zh, meaning_en, action_zh, action_en from labels
    union all
    select * from form
    union all
    select * from measures
    union all
    select * from statements

)

select * from final
