-- OSRM profile with CareNetwork's car model (Sources/CareNetwork/Graph/TravelMode.swift), for
-- benchmarks/network/scale_compare.sh: the same speed per highway class (km/h, free flow), a numeric
-- `maxspeed` in km/h replacing it, the same one-way and access rules, and no turn, U-turn, signal or
-- side-road penalties and no speed reduction, so that OSRM routes the same graph at the same edge
-- speeds. What remains different: OSRM stores each segment's duration in whole tenths of a second
-- and measures length with its own haversine (earth radius 6,372,797.56 m against CareNetwork's
-- 6,371,008.8 m, +0.028 %); coordinates are fixed to 1e-6 degrees.
api_version = 4

function setup()
  return {
    properties = {
      weight_name                   = 'duration',
      max_speed_for_map_matching    = 180/3.6,
      u_turn_penalty                = 0,
      traffic_signal_penalty        = 0,
      continue_straight_at_waypoint = false,
      use_turn_restrictions         = false,
      process_call_tagless_node     = false,
      left_hand_driving             = true,
    },
    speeds = {
      motorway = 90, motorway_link = 45, trunk = 85, trunk_link = 40,
      primary = 65, primary_link = 30, secondary = 55, secondary_link = 25,
      tertiary = 40, tertiary_link = 20, unclassified = 25, residential = 25,
      living_street = 10, service = 15,
    },
    access_keys = { 'motorcar', 'motor_vehicle', 'vehicle', 'access' },
  }
end

function process_node(profile, node, result)
end

function process_way(profile, way, result)
  local highway = way:get_value_by_key('highway')
  local speed = highway and profile.speeds[highway]
  if not speed or way:get_value_by_key('area') == 'yes' then
    return
  end
  for _, key in ipairs(profile.access_keys) do
    local value = way:get_value_by_key(key)
    if value then
      if value == 'no' or value == 'private' then return end
      break
    end
  end
  local maxspeed = tonumber(way:get_value_by_key('maxspeed'))
  if maxspeed and maxspeed > 0 then speed = maxspeed end
  local forward, backward = true, true
  local oneway = way:get_value_by_key('oneway')
  if oneway == 'yes' or oneway == 'true' or oneway == '1' then
    backward = false
  elseif oneway == '-1' or oneway == 'reverse' then
    forward = false
  elseif oneway == 'reversible' or oneway == 'alternating' then
    return
  elseif oneway ~= 'no' and oneway ~= 'false' and oneway ~= '0' then
    local junction = way:get_value_by_key('junction')
    if junction == 'roundabout' or junction == 'circular' or highway == 'motorway' or highway == 'motorway_link' then
      backward = false
    end
  end
  result.forward_mode = forward and mode.driving or mode.inaccessible
  result.backward_mode = backward and mode.driving or mode.inaccessible
  result.forward_speed = speed
  result.backward_speed = speed
end

function process_turn(profile, turn)
  turn.duration = 0
  turn.weight = 0
end

return {
  setup = setup,
  process_way = process_way,
  process_node = process_node,
  process_turn = process_turn,
}
