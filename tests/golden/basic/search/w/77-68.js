SITEGEN_SEARCH_CHUNK("w/77-68",{"what":"0","where":"3"});
