SITEGEN_SEARCH_CHUNK("w/74-68",{"than":"0","that":"3","the":"0.2.1","this":"0.1.1.1"});
