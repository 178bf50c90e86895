{#-
    One canonical key per body. Names are first normalised (macro normalize_agency); then a key
    that is another key's city-less form (海沧区 ~ 厦门市海沧区) takes the longer key, but only when
    exactly one longer key ends that way: 鼓楼区 beside 南京市鼓楼区 and 福州市鼓楼区 stays itself.
-#}
with

names as (

    select distinct {{ normalize_agency('agency') }} as name_key
    from {{ ref('stg_reports') }}
    where agency is not null

),

-- a key's city-less form: what follows the city, up to its last 市/州/盟 (福州市鼓楼区 → 鼓楼区)
city_less as (

    select name_key as city_key, regexp_extract(name_key, '^.{1,8}[市州盟](.{2,})$', 1) as name_key
    from names

),

city_forms as (

    select city_less.name_key, city_less.city_key
    from city_less
    inner join names using (name_key)
    qualify count(*) over (partition by city_less.name_key) = 1

),

final as (

    select names.name_key, coalesce(city_forms.city_key, names.name_key) as agency_key
    from names
    left join city_forms using (name_key)
    where names.name_key is not null

)

select * from final
